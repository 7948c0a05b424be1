/**
 * Every Socket.IO event between the server and the console, typed once for both. Payloads are
 * plain JSON: dates travel as ISO strings.
 */
import type { CallCard, CallSummary } from '../calls/call-card';

export interface PresencePayload {
  userId: string;
  name: string;
  teamId: string | null;
  status: 'offline' | 'available' | 'ringing' | 'on_call' | 'wrap_up' | 'away';
  since: string;
}

export interface CustomerChangedPayload {
  customerId: string;
  /** The fields as saved, so other viewers of the card can show them. */
  fields: Record<string, unknown>;
  byUserId: string;
}

export interface CallbackDuePayload {
  callbackId: string;
  customerId: string;
  customerName: string;
  dueAt: string;
  reason: string;
}

export interface ServerToClientEvents {
  /** The screen pop: a call starts ringing for this operator (or, for supervisors, the team). */
  'call:card': (card: CallCard) => void;
  /** A change of a call's state, operator or customer. */
  'call:updated': (call: CallSummary) => void;
  /** The call is over; the operator now owes its outcome. */
  'call:ended': (call: CallSummary) => void;
  'presence:changed': (presence: PresencePayload) => void;
  'customer:changed': (change: CustomerChangedPayload) => void;
  'callback:due': (callback: CallbackDuePayload) => void;
}

export interface ClientToServerEvents {
  /** Asks again for the cards of this user's active calls (also sent on every connect). */
  'cards:resync': () => void;
}

export type SocketRoom = `user:${string}` | `team:${string}` | `supervisors:${string}`;

export const userRoom = (userId: string): SocketRoom => `user:${userId}`;
export const teamRoom = (teamId: string): SocketRoom => `team:${teamId}`;
/** Supervisors of a team; `supervisors:all` holds admins, who watch every team. */
export const supervisorsRoom = (teamId: string | 'all'): SocketRoom => `supervisors:${teamId}`;
