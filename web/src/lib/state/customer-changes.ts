import type { CustomerChangedPayload } from '$shared/realtime/events';

type Listener = (change: CustomerChangedPayload) => void;

const listeners = new Set<Listener>();

/** Every open editor of a customer listens here for other viewers' saved edits. */
export function onCustomerChanged(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function announceCustomerChanged(change: CustomerChangedPayload): void {
  for (const listener of listeners) listener(change);
}
