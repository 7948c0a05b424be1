import twilio from 'twilio';
import type VoiceResponse from 'twilio/lib/twiml/VoiceResponse';
import type { WebhookUrls } from './twilio-webhook-urls';

/** How an operator's endpoint is reached: a Twilio Client identity, a SIP address or a number. */
export type DialTarget =
  | { kind: 'client'; identity: string }
  | { kind: 'sip'; uri: string }
  | { kind: 'number'; number: string };

/** Reads an operator's `endpoint` field: `client:anna`, `sip:anna@pbx.example` or a number. */
export function dialTarget(endpoint: string): DialTarget {
  const trimmed = endpoint.trim();
  if (/^client:/i.test(trimmed))
    return { kind: 'client', identity: trimmed.slice('client:'.length) };
  if (/^sips?:/i.test(trimmed)) return { kind: 'sip', uri: trimmed };

  return { kind: 'number', number: trimmed };
}

const LEG_EVENTS = ['initiated', 'ringing', 'answered', 'completed'] as const;

export interface DialOptions {
  urls: WebhookUrls;
  /** Seconds an operator's phone rings before the caller is routed again. */
  ringTimeoutSeconds: number;
}

/**
 * An inbound caller is put through to an operator: both channels recorded from the answer, the
 * operator's leg reporting its progress, and the dial's result coming back as `leg=operator`.
 */
export function dialOperatorTwiml(endpoint: string, options: DialOptions): string {
  const response = new twilio.twiml.VoiceResponse();
  const dial = response.dial({
    action: options.urls.dialResult('operator', endpoint),
    method: 'POST',
    timeout: options.ringTimeoutSeconds,
    record: 'record-from-answer-dual',
    recordingStatusCallback: options.urls.recording,
    recordingStatusCallbackMethod: 'POST',
    recordingStatusCallbackEvent: ['completed'],
  });
  addTarget(dial, dialTarget(endpoint), options.urls.status('operator'));

  return response.toString();
}

/**
 * Click-to-dial, once the operator answered their leg: the customer is dialled from the company
 * number, recorded the same way, and the dial's result comes back as `leg=customer`.
 */
export function dialCustomerTwiml(
  customerNumber: string,
  options: DialOptions & { callerId: string },
): string {
  const response = new twilio.twiml.VoiceResponse();
  const dial = response.dial({
    action: options.urls.dialResult('customer', customerNumber),
    method: 'POST',
    callerId: options.callerId,
    timeout: options.ringTimeoutSeconds,
    record: 'record-from-answer-dual',
    recordingStatusCallback: options.urls.recording,
    recordingStatusCallbackMethod: 'POST',
    recordingStatusCallbackEvent: ['completed'],
  });
  addTarget(dial, { kind: 'number', number: customerNumber }, options.urls.status('customer'));

  return response.toString();
}

/**
 * A caller nobody can take yet: a word, then music until the CRM redirects the live call to an
 * operator (`calls(sid).update({ twiml })`) or the caller gives up.
 */
export function holdTwiml(holdMusicUrl: string): string {
  const response = new twilio.twiml.VoiceResponse();
  response.say('Thank you for calling. All our operators are busy; please stay on the line.');
  response.play({ loop: 0 }, holdMusicUrl);

  return response.toString();
}

/** Ends the call, after a sentence when there is something to say. */
export function hangupTwiml(message?: string): string {
  const response = new twilio.twiml.VoiceResponse();
  if (message) response.say(message);
  response.hangup();

  return response.toString();
}

/** The answer to a callback whose body Twilio ignores (progress, recordings). */
export function emptyTwiml(): string {
  return new twilio.twiml.VoiceResponse().toString();
}

function addTarget(dial: VoiceResponse.Dial, target: DialTarget, statusCallback: string): void {
  const progress = {
    statusCallback,
    statusCallbackMethod: 'POST',
    statusCallbackEvent: [...LEG_EVENTS],
  };

  switch (target.kind) {
    case 'client':
      dial.client(progress, target.identity);
      return;
    case 'sip':
      dial.sip(progress, target.uri);
      return;
    case 'number':
      dial.number(progress, target.number);
      return;
  }
}
