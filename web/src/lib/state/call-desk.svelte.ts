import { api } from '$lib/api/api-client';
import { ApiError } from '$lib/api/api-error';
import type { OutcomeInput } from '$lib/api/types';
import type { CallCard, CallSummary } from '$shared/calls/call-card';

/**
 * The calls on this console: the cards the server popped (mine and, for supervisors, the
 * team's), kept up to date by call events, and the outcome I still owe.
 */
class CallDesk {
  cards = $state<CallCard[]>([]);
  /** The call whose card popped last: the card view focuses its first field once per pop. */
  poppedCallId = $state<string | null>(null);
  private userId = '';
  private watchesTeam = false;

  reset(user: { id: string; role: string }): void {
    this.userId = user.id;
    this.watchesTeam = user.role !== 'operator';
    this.cards = [];
    this.poppedCallId = null;
  }

  /** My live or unfinished calls, the newest first. */
  get mine(): CallCard[] {
    return this.cards.filter((card) => card.call.operatorId === this.userId);
  }

  /** Cards of other operators' calls (supervisors watch them). */
  get team(): CallCard[] {
    return this.cards.filter((card) => card.call.operatorId !== this.userId);
  }

  /** The call I must give an outcome for before I get another one. */
  get owed(): CallCard | undefined {
    return this.mine.find((card) => owesOutcome(card.call));
  }

  /** The card on my screen: a live call first, else the one waiting for its outcome. */
  get current(): CallCard | undefined {
    return this.mine.find((card) => card.call.state !== 'ended') ?? this.owed;
  }

  receiveCard(card: CallCard): void {
    const known = this.cards.some((item) => item.call.id === card.call.id);
    if (!this.keeps(card.call)) {
      this.remove(card.call.id);
      return;
    }

    this.cards = known
      ? this.cards.map((item) => (item.call.id === card.call.id ? card : item))
      : [card, ...this.cards];
    if (!known && card.call.operatorId === this.userId) this.poppedCallId = card.call.id;
  }

  receiveCall(call: CallSummary): void {
    if (!this.keeps(call)) {
      this.remove(call.id);
      return;
    }

    this.cards = this.cards.map((card) => (card.call.id === call.id ? { ...card, call } : card));
  }

  /** Asks the server for my active and wrap-up cards (a reload, a reconnect). */
  async loadActive(): Promise<void> {
    try {
      const cards = await api.get<CallCard[]>('/api/calls/active');
      for (const card of cards) this.receiveCard(card);
    } catch (error) {
      // Older servers lack the route; the socket's replay on connect still brings the cards.
      if (!(error instanceof ApiError) || error.status !== 404) throw error;
    }
  }

  answer(callId: string): Promise<void> {
    return api.post(`/api/calls/${callId}/answer`);
  }

  hangUp(callId: string): Promise<void> {
    return api.post(`/api/calls/${callId}/hangup`);
  }

  /** Click-to-dial: the operator's phone rings first, then the customer's. */
  dial(number: string, customerId?: string): Promise<{ id: string }> {
    return api.post<{ id: string }>('/api/calls/originate', { number, customer_id: customerId });
  }

  async giveOutcome(callId: string, input: OutcomeInput): Promise<void> {
    await api.post(`/api/calls/${callId}/outcome`, input);
    this.remove(callId);
  }

  /** Live calls stay (an operator's own only); an ended one only while I owe its outcome. */
  private keeps(call: CallSummary): boolean {
    const mine = call.operatorId === this.userId;
    if (!mine && !this.watchesTeam) return false;
    if (call.state !== 'ended') return true;

    return mine && owesOutcome(call);
  }

  private remove(callId: string): void {
    this.cards = this.cards.filter((card) => card.call.id !== callId);
    if (this.poppedCallId === callId) this.poppedCallId = null;
  }
}

/** An answered call that ended without an outcome; a call nobody answered owes none. */
export function owesOutcome(call: CallSummary): boolean {
  return call.state === 'ended' && call.outcome === null && call.answeredAt !== null;
}

export const desk = new CallDesk();
