/** A webhook request waiting for the pipeline to decide where its call goes. */
export interface AnswerSlot {
  /** Set when the pipeline called `connect` for the call while the request waited. */
  endpoint?: string;
}

/**
 * Bridges Twilio's request-response model to the provider interface: while a voice webhook (or a
 * dial result) awaits the event sink, a `connect` for that call is answered by the webhook's
 * TwiML instead of a REST redirect of the live call. Duplicate deliveries that overlap share a
 * slot, so each answers with the same decision.
 */
export class AnswerSlots {
  private readonly open = new Map<string, { slot: AnswerSlot; waiting: number }>();

  /** Runs `work` with a slot open for the call, and returns what was decided meanwhile. */
  async during(callSid: string, work: () => Promise<void>): Promise<AnswerSlot> {
    const entry = this.open.get(callSid) ?? { slot: {}, waiting: 0 };
    entry.waiting += 1;
    this.open.set(callSid, entry);

    try {
      await work();
    } finally {
      entry.waiting -= 1;
      if (entry.waiting === 0) this.open.delete(callSid);
    }
    return entry.slot;
  }

  /** Takes the decision when a request for the call is waiting; false sends it by REST instead. */
  claim(callSid: string, endpoint: string): boolean {
    const entry = this.open.get(callSid);
    if (!entry) return false;

    entry.slot.endpoint = endpoint;
    return true;
  }
}
