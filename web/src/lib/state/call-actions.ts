import { ApiError } from '$lib/api/api-error';
import { t } from '$lib/i18n/messages';
import { desk } from './call-desk.svelte';
import { notices } from './notices.svelte';

/** What the buttons and shortcuts do, with the failure told to the operator, never thrown. */
export const callActions = {
  answerCurrent(): void {
    const card = desk.current;
    if (!card || !canAnswer(card.call)) return;

    void run(() => desk.answer(card.call.id));
  },

  hangUpCurrent(): void {
    const card = desk.current;
    if (!card || !canHangUp(card.call)) return;

    void run(() => desk.hangUp(card.call.id));
  },

  dial(number: string, display: string, customerId?: string): void {
    notices.show('info', t.controls.dialing(display));
    void run(() => desk.dial(number, customerId));
  },
};

export function canAnswer(call: { state: string; direction: string }): boolean {
  return call.direction === 'inbound' && (call.state === 'ringing' || call.state === 'offered');
}

export function canHangUp(call: { state: string }): boolean {
  return call.state !== 'ended';
}

async function run(action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (error) {
    notices.show('error', error instanceof ApiError ? error.message : t.controls.failed);
  }
}
