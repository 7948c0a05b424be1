import type { Readable } from 'node:stream';

/** The telephony providers the server can run with. */
export type ProviderName = 'sim' | 'ari' | 'twilio';

/** Why a call ended, in the call center's terms rather than a provider's cause codes. */
export type EndCause =
  | 'completed' // answered, then one side hung up
  | 'abandoned' // the caller hung up before anybody answered
  | 'no_answer' // the operator's leg rang out
  | 'busy'
  | 'failed' // the network or the provider could not complete the call
  | 'lost'; // the provider no longer knows the call (found by reconciliation)

export type CallDirection = 'inbound' | 'outbound';

interface EventBase {
  /** The provider's own id of the call: ARI channel id, Twilio CallSid, simulator id. */
  providerCallId: string;
  at: Date;
  /** The provider's own payload, appended to the call's event log as it came. */
  raw?: unknown;
}

export interface CallOfferedEvent extends EventBase {
  type: 'call.offered';
  direction: CallDirection;
  /** The caller's number exactly as the provider gave it. */
  from: string;
  /** The dialled number exactly as the provider gave it. */
  to: string;
}

export interface CallRingingEvent extends EventBase {
  type: 'call.ringing';
  endpoint: string;
}

export interface CallAnsweredEvent extends EventBase {
  type: 'call.answered';
  /** The operator endpoint that took the call, when the provider knows it. */
  endpoint?: string;
}

/** The operator's leg was not answered; the caller is still there and may go to another. */
export interface OperatorUnansweredEvent extends EventBase {
  type: 'operator.unanswered';
  endpoint: string;
  reason: 'no_answer' | 'busy' | 'declined' | 'failed';
}

export interface CallEndedEvent extends EventBase {
  type: 'call.ended';
  cause: EndCause;
  /** The provider's cause, kept for the event log (a Q.850 code, a Twilio status). */
  providerCause?: string;
}

export interface RecordingReadyEvent extends EventBase {
  type: 'recording.ready';
  /** The provider's id for the recording, passed back to `fetchRecording`. */
  recordingId: string;
  format: 'wav' | 'mp3';
  durationSeconds?: number;
}

export type TelephonyEvent =
  | CallOfferedEvent
  | CallRingingEvent
  | CallAnsweredEvent
  | OperatorUnansweredEvent
  | CallEndedEvent
  | RecordingReadyEvent;

/** A call the provider still has, reported after a reconnect so the server can reconcile. */
export interface LiveCall {
  providerCallId: string;
  state: 'ringing' | 'up';
}

export interface ProviderStatus {
  provider: ProviderName;
  connected: boolean;
  /** When `connected` last changed. */
  since: Date;
  /** The last connection error, safe to show to an administrator. */
  error?: string;
}

export interface OriginateRequest {
  /** The operator's endpoint, rung first. */
  endpoint: string;
  /** The customer's number in E.164, dialled once the operator answers. */
  to: string;
  /** An id of the server's, carried back on the call's events. */
  reference?: string;
}

export type SnoopMode = 'listen' | 'whisper' | 'barge';

export type EventSink = (event: TelephonyEvent) => Promise<void>;

/** Called by a provider after each (re)connect, with the calls it still has. */
export type ReconnectSink = (liveCalls: LiveCall[]) => Promise<void>;

/**
 * An HTTP callback from the provider (a Twilio webhook), stripped of the web framework: the
 * server hands every request under `/telephony/<provider>/` over as it came.
 */
export interface WebhookRequest {
  /** The path below the provider's mount point, e.g. `/voice`. */
  path: string;
  /**
   * The path and query string as the server received them, e.g.
   * `/telephony/twilio/status?leg=operator`. A provider that checks signatures puts its public
   * address in front of it to get the URL the sender signed.
   */
  originalUrl: string;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  /** The form fields of the body. */
  params: Record<string, string>;
}

/** What the server writes back, unchanged: TwiML for Twilio, a 403 for a forged signature. */
export interface WebhookResponse {
  status: number;
  contentType: string;
  body: string;
}

/**
 * What every telephony provider offers the server. The server imports this interface and the
 * factory only, never a provider's folder.
 */
export interface TelephonyProvider {
  readonly name: ProviderName;

  /** Starts delivering events. Must not throw on a connection failure: it retries instead. */
  start(sinks: { onEvent: EventSink; onReconnect?: ReconnectSink }): Promise<void>;
  stop(): Promise<void>;
  status(): ProviderStatus;

  /** Connects a ringing inbound call to an operator's endpoint. */
  connect(providerCallId: string, endpoint: string): Promise<void>;
  /** Rings the operator first, then dials the customer. Returns the new call's id. */
  originate(request: OriginateRequest): Promise<{ providerCallId: string }>;
  hangup(providerCallId: string): Promise<void>;
  /** Answers on the operator's behalf, where the provider can (the simulator can). */
  answer?(providerCallId: string): Promise<void>;
  startRecording?(providerCallId: string): Promise<void>;
  stopRecording?(providerCallId: string): Promise<void>;
  /** The audio of a finished recording as a stream. */
  fetchRecording(recordingId: string): Promise<Readable>;
  snoop?(providerCallId: string, endpoint: string, mode: SnoopMode): Promise<void>;
  /** The simulator only: a caller dials in. Returns the new call's provider id. */
  simulateInbound?(call: { from: string; to: string }): Promise<string>;
  /**
   * Providers that report by HTTP callbacks (Twilio) take them here. Never rejects for a bad
   * request: it answers 400 (malformed) or 403 (unsigned) itself, and emits nothing then.
   */
  webhook?(request: WebhookRequest): Promise<WebhookResponse>;
  /** Sends a text message from the company number, where the provider can (Twilio can). */
  sendSms?(to: string, body: string): Promise<{ providerMessageId: string }>;
}
