import type { CallDirection } from '../provider';
import type { LegRole } from './ari-leg';

/** A call the adapter is handling: one customer and, in turn, the operators dialled for it. */
export interface TrackedCall {
  /** The provider call id: the customer's channel id (chosen in advance for outbound calls). */
  readonly id: string;
  readonly direction: CallDirection;
  /** The caller's number (inbound) or the number dialled (outbound). */
  readonly customerNumber: string;
  bridgeId?: string;
  /** The operator leg being dialled or talking; a leg replaced by a new connect is not here. */
  operatorLegId?: string;
  operatorEndpoint?: string;
  /** The customer and an operator are bridged and talking. */
  answered: boolean;
  /** Outbound: the customer's leg has been dialled. */
  customerDialled: boolean;
  /** The server asked for the hang-up, so the end is not the customer's doing. */
  hangupRequested: boolean;
  recordingName?: string;
}

/** A channel of a call: the customer's, an operator's, a supervisor's or a snoop channel. */
export interface TrackedLeg {
  readonly channelId: string;
  readonly callId: string;
  readonly role: LegRole;
  readonly endpoint?: string;
  /** For supervisors and snoop channels: the bridge they meet in. */
  readonly bridgeId?: string;
  /** Its StasisStart was seen: a dialled leg has answered. */
  entered: boolean;
  ringingReported: boolean;
  /** Dialled but not yet accepted by Asterisk: its absence from a channel list means nothing. */
  pending: boolean;
}

/**
 * What the adapter remembers of live calls: a cache, rebuilt from GET /channels after a
 * reconnect or a restart, never the only record of a call (the server's database is).
 */
export class CallRegistry {
  private readonly calls = new Map<string, TrackedCall>();
  private readonly legs = new Map<string, TrackedLeg>();
  /** Recording name → call id, until the recording is reported ready. */
  private readonly recordings = new Map<string, string>();

  call(callId: string): TrackedCall | undefined {
    return this.calls.get(callId);
  }

  allCalls(): TrackedCall[] {
    return [...this.calls.values()];
  }

  addCall(
    fields: Pick<TrackedCall, 'id' | 'direction' | 'customerNumber'> & Partial<TrackedCall>,
  ): TrackedCall {
    const call: TrackedCall = {
      answered: false,
      customerDialled: false,
      hangupRequested: false,
      ...fields,
    };
    this.calls.set(call.id, call);
    return call;
  }

  /** Forgets a call; its legs stay known until their channels are gone. */
  forgetCall(callId: string): void {
    this.calls.delete(callId);
  }

  leg(channelId: string): TrackedLeg | undefined {
    return this.legs.get(channelId);
  }

  allLegs(): TrackedLeg[] {
    return [...this.legs.values()];
  }

  addLeg(
    fields: Pick<TrackedLeg, 'channelId' | 'callId' | 'role'> & Partial<TrackedLeg>,
  ): TrackedLeg {
    const leg: TrackedLeg = { entered: false, ringingReported: false, pending: false, ...fields };
    this.legs.set(leg.channelId, leg);
    return leg;
  }

  removeLeg(channelId: string): void {
    this.legs.delete(channelId);
  }

  legsOfCall(callId: string): TrackedLeg[] {
    return this.allLegs().filter((leg) => leg.callId === callId);
  }

  /** The supervisor and snoop legs that meet in `bridgeId`. */
  legsInSession(bridgeId: string): TrackedLeg[] {
    return this.allLegs().filter((leg) => leg.bridgeId === bridgeId);
  }

  noteRecording(name: string, callId: string): void {
    this.recordings.set(name, callId);
  }

  recordingCall(name: string): string | undefined {
    return this.recordings.get(name);
  }

  forgetRecording(name: string): void {
    this.recordings.delete(name);
  }

  pendingRecordings(): { name: string; callId: string }[] {
    return [...this.recordings].map(([name, callId]) => ({ name, callId }));
  }
}
