import type { EndCause, OperatorUnansweredEvent } from '../provider';

/** Why a dialled operator did not take a call. */
export type UnansweredReason = OperatorUnansweredEvent['reason'];

/** Q.850 causes, as Asterisk reports them in ChannelDestroyed. */
const REASONS = new Map<number, UnansweredReason>([
  [16, 'no_answer'], // normal clearing: the dial was cancelled or timed out before an answer
  [17, 'busy'], // user busy
  [18, 'no_answer'], // no user responding
  [19, 'no_answer'], // user alerting, no answer
  [21, 'declined'], // call rejected: the operator pressed "decline"
  [31, 'no_answer'], // normal, unspecified
]);

/**
 * Why a dialled leg ended without being answered: it rang out, was refused, or could not be
 * reached at all (unregistered phone, unallocated number, congestion, ...).
 */
export function unansweredReason(cause: number): UnansweredReason {
  return REASONS.get(cause) ?? 'failed';
}

/** The same, as the end of a call whose only leg was never answered (an outbound call). */
export function unansweredEndCause(cause: number): EndCause {
  const reason = unansweredReason(cause);
  return reason === 'declined' ? 'busy' : reason;
}

/** The provider cause kept on events, code and text: `19 User alerting, no answer`. */
export function providerCause(cause: number, text: string): string {
  return text ? `${cause} ${text}` : String(cause);
}
