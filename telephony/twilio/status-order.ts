import { BoundedMap } from './bounded-map';
import type { CallStatus } from './twilio-webhook-schemas';

/** How far along a leg is, for callbacks that carry neither sequence nor distinct timestamp. */
const STAGE: Record<CallStatus, number> = {
  queued: 0,
  initiated: 0,
  ringing: 1,
  'in-progress': 2,
  answered: 2,
  completed: 3,
  busy: 3,
  'no-answer': 3,
  failed: 3,
  canceled: 3,
};

/** Whether a status is a leg's last: after it Twilio has nothing more to say about the leg. */
export function isFinal(status: CallStatus): boolean {
  return STAGE[status] === 3;
}

export interface ProgressStamp {
  status: CallStatus;
  /** Twilio's SequenceNumber: per leg, from 0, one more per callback. */
  sequence?: number;
  /** Twilio's Timestamp, when the event was fired. */
  at?: Date;
}

interface Applied {
  sequence?: number;
  at?: number;
  stage: number;
}

/**
 * Lets through only a leg's progress callbacks that are newer than every one applied before:
 * Twilio may deliver them late, twice or out of order. Newer means a higher SequenceNumber, else
 * a later Timestamp, else a further stage; nothing passes after a leg's final status.
 */
export class StatusOrder {
  private readonly applied: BoundedMap<string, Applied>;

  constructor(capacity = 20_000) {
    this.applied = new BoundedMap(capacity);
  }

  /** True (and remembered) when the callback should be applied; false for a late or repeat one. */
  admit(legSid: string, stamp: ProgressStamp): boolean {
    const next: Applied = {
      sequence: stamp.sequence,
      at: stamp.at?.getTime(),
      stage: STAGE[stamp.status],
    };
    const last = this.applied.get(legSid);
    if (last && !isNewer(next, last)) return false;

    this.applied.set(legSid, next);
    return true;
  }
}

function isNewer(next: Applied, last: Applied): boolean {
  if (last.stage === 3) return false;

  if (next.sequence !== undefined && last.sequence !== undefined) {
    return next.sequence > last.sequence;
  }
  if (next.at !== undefined && last.at !== undefined && next.at !== last.at) {
    return next.at > last.at;
  }
  return next.stage > last.stage;
}
