import { z } from 'zod';

/*
 * The fields of Twilio's webhooks the CRM reads. Twilio sends many more and adds new ones, so
 * unknown fields pass; a missing or malformed field the CRM needs makes the request a 400.
 */

const sid = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}[0-9a-zA-Z]{16,64}$`), `a ${prefix}… sid`);

const callSid = sid('CA');

/** A call's status as Twilio names it in CallStatus and DialCallStatus. */
export const callStatus = z.enum([
  'queued',
  'initiated',
  'ringing',
  'in-progress',
  'answered',
  'completed',
  'busy',
  'no-answer',
  'failed',
  'canceled',
]);
export type CallStatus = z.infer<typeof callStatus>;

/** POST /voice: a call to the company number. */
export const voiceWebhook = z
  .object({
    AccountSid: sid('AC'),
    CallSid: callSid,
    From: z.string().min(1).max(200),
    To: z.string().min(1).max(200),
    CallStatus: callStatus,
    Direction: z.string().optional(),
  })
  .passthrough();
export type VoiceWebhook = z.infer<typeof voiceWebhook>;

const progressFields = {
  AccountSid: sid('AC'),
  CallSid: callSid,
  CallStatus: callStatus,
  Direction: z.string().optional(),
  From: z.string().max(200).optional(),
  To: z.string().max(200).optional(),
  /** The order of this leg's callbacks, from 0; absent on some number-level callbacks. */
  SequenceNumber: z.coerce.number().int().min(0).optional(),
  /** When Twilio fired the event (RFC 2822). */
  Timestamp: z.string().max(100).optional(),
  CallDuration: z.coerce.number().int().min(0).optional(),
};

/** POST /status without a leg: the progress of the call itself (the number's status callback). */
export const callProgress = z.object(progressFields).passthrough();
export type CallProgress = z.infer<typeof callProgress>;

/** POST /status?leg=…: the progress of a leg the CRM dialled, a child of the call. */
export const legProgress = z
  .object({ ...progressFields, ParentCallSid: callSid, To: z.string().min(1).max(200) })
  .passthrough();
export type LegProgress = z.infer<typeof legProgress>;

/** POST /status?leg=…&endpoint=…: the <Dial action>, the outcome of the dial as a whole. */
export const dialResult = z
  .object({
    AccountSid: sid('AC'),
    CallSid: callSid,
    CallStatus: callStatus,
    DialCallStatus: callStatus,
    DialCallSid: callSid.optional(),
    DialCallDuration: z.coerce.number().int().min(0).optional(),
  })
  .passthrough();
export type DialResult = z.infer<typeof dialResult>;

/** POST /recording: a recording of the <Dial> changed state. */
export const recordingStatus = z
  .object({
    AccountSid: sid('AC'),
    CallSid: callSid,
    RecordingSid: sid('RE'),
    RecordingStatus: z.enum(['in-progress', 'completed', 'absent', 'failed']),
    RecordingDuration: z.coerce.number().int().min(0).optional(),
    RecordingChannels: z.coerce.number().int().min(1).optional(),
    ErrorCode: z.string().optional(),
  })
  .passthrough();
export type RecordingStatus = z.infer<typeof recordingStatus>;

/** The query string of /status: which leg, and for a dial result which endpoint was dialled. */
export const statusQuery = z.object({
  leg: z.enum(['operator', 'customer']).optional(),
  endpoint: z.string().max(300).optional(),
});
