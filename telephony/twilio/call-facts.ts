import { BoundedMap } from './bounded-map';

interface Facts {
  /** The operator's endpoint the call is dialling or connected to. */
  endpoint?: string;
  /** Whether a leg the CRM dialled was answered: tells a completed call from an abandoned one. */
  answered: boolean;
}

/**
 * What this process learnt about live calls from Twilio's callbacks, which the callbacks that
 * follow need and do not repeat. Kept per process and bounded: it refines the events (a call's end
 * cause, a repeated voice webhook's answer), while the database stays the record of every call.
 */
export class CallFacts {
  private readonly facts = new BoundedMap<string, Facts>(20_000);

  dialled(callSid: string, endpoint: string | undefined): void {
    this.facts.set(callSid, { ...this.of(callSid), endpoint });
  }

  answered(callSid: string): void {
    this.facts.set(callSid, { ...this.of(callSid), answered: true });
  }

  endpointOf(callSid: string): string | undefined {
    return this.facts.get(callSid)?.endpoint;
  }

  wasAnswered(callSid: string): boolean {
    return this.facts.get(callSid)?.answered ?? false;
  }

  forget(callSid: string): void {
    this.facts.delete(callSid);
  }

  private of(callSid: string): Facts {
    return this.facts.get(callSid) ?? { answered: false };
  }
}
