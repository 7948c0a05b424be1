import twilio from 'twilio';

export interface WebhookAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** How a request is signed: as Twilio does, not at all, or with a given (forged) value. */
export type Signing = 'twilio' | 'none' | { signature: string };

/**
 * Plays Twilio's side of the webhooks in tests: posts form fields to the CRM the way Twilio does,
 * signed with the twilio library's own helper over the public URL Twilio was given (PUBLIC_URL
 * plus the path), while the bytes go to the test server's local address.
 */
export class TwilioWebhookSender {
  constructor(
    private readonly options: {
      serverUrl: string;
      publicUrl: string;
      accountSid: string;
      authToken: string;
    },
  ) {}

  /** Posts to a public URL as Twilio would (one the CRM put in its TwiML, or a configured one). */
  async post(
    publicUrl: string,
    params: Record<string, string>,
    signing: Signing = 'twilio',
  ): Promise<WebhookAnswer> {
    const { options } = this;
    if (!publicUrl.startsWith(options.publicUrl)) {
      throw new Error(`${publicUrl} is not under PUBLIC_URL ${options.publicUrl}`);
    }

    const fields = { AccountSid: options.accountSid, ApiVersion: '2010-04-01', ...params };
    const signature =
      signing === 'twilio'
        ? twilio.getExpectedTwilioSignature(options.authToken, publicUrl, fields)
        : signing === 'none'
          ? undefined
          : signing.signature;
    const response = await fetch(
      `${options.serverUrl}${publicUrl.slice(options.publicUrl.length)}`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'user-agent': 'TwilioProxy/1.1',
          ...(signature ? { 'x-twilio-signature': signature } : {}),
        },
        body: new URLSearchParams(fields).toString(),
      },
    );

    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      body: await response.text(),
    };
  }

  /** The number's Voice webhook: a customer calls the company number. */
  voice(call: { sid: string; from: string; to: string }, signing: Signing = 'twilio') {
    const fields = voiceFields({ ...call, accountSid: this.options.accountSid });
    return this.post(`${this.options.publicUrl}/telephony/twilio/voice`, fields, signing);
  }

  /** The number's status callback: progress of the call itself. */
  callStatus(call: {
    sid: string;
    status: string;
    direction: 'inbound' | 'outbound-api';
    from: string;
    to: string;
    sequence?: number;
    duration?: number;
  }) {
    return this.post(`${this.options.publicUrl}/telephony/twilio/status`, {
      CallSid: call.sid,
      CallStatus: call.status,
      Direction: call.direction,
      From: call.from,
      To: call.to,
      CallbackSource: 'call-progress-events',
      Timestamp: rfc2822(new Date()),
      ...(call.sequence === undefined ? {} : { SequenceNumber: String(call.sequence) }),
      ...(call.duration === undefined ? {} : { CallDuration: String(call.duration) }),
    });
  }

  /** A dialled leg's statusCallback (from the CRM's TwiML): initiated … completed. */
  legStatus(
    statusCallback: string,
    leg: {
      sid: string;
      parentSid: string;
      status: string;
      sequence: number;
      from: string;
      to: string;
      at: Date;
      duration?: number;
    },
  ) {
    return this.post(statusCallback, {
      CallSid: leg.sid,
      ParentCallSid: leg.parentSid,
      CallStatus: leg.status,
      Direction: 'outbound-dial',
      From: leg.from,
      To: leg.to,
      CallbackSource: 'call-progress-events',
      SequenceNumber: String(leg.sequence),
      Timestamp: rfc2822(leg.at),
      ...(leg.duration === undefined ? {} : { CallDuration: String(leg.duration) }),
    });
  }

  /** The <Dial action> (from the CRM's TwiML): how the dial ended, asking what comes next. */
  dialResult(
    action: string,
    result: { sid: string; dialSid: string; dialStatus: string; callStatus?: string },
  ) {
    return this.post(action, {
      CallSid: result.sid,
      CallStatus: result.callStatus ?? 'in-progress',
      DialCallSid: result.dialSid,
      DialCallStatus: result.dialStatus,
      DialCallDuration: '0',
    });
  }

  /** The <Dial recordingStatusCallback> (from the CRM's TwiML): a recording is ready. */
  recording(
    recordingStatusCallback: string,
    recording: { callSid: string; recordingSid: string; seconds: number },
  ) {
    return this.post(recordingStatusCallback, {
      CallSid: recording.callSid,
      RecordingSid: recording.recordingSid,
      RecordingStatus: 'completed',
      RecordingDuration: String(recording.seconds),
      RecordingChannels: '2',
      RecordingSource: 'DialVerb',
      RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${this.options.accountSid}/Recordings/${recording.recordingSid}`,
    });
  }
}

/** The fields of a voice webhook, as Twilio posts (and signs) them. */
export function voiceFields(call: { sid: string; from: string; to: string; accountSid: string }) {
  return {
    AccountSid: call.accountSid,
    ApiVersion: '2010-04-01',
    CallSid: call.sid,
    CallStatus: 'ringing',
    Direction: 'inbound',
    From: call.from,
    To: call.to,
    Caller: call.from,
    Called: call.to,
  };
}

/** Twilio's Timestamp form. */
export function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

/** An attribute of the first element of that name in a TwiML document, XML entities undone. */
export function twimlAttribute(twiml: string, element: string, name: string): string | undefined {
  const tag = new RegExp(`<${element}\\b[^>]*>`).exec(twiml)?.[0];
  const value = tag && new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
  return value
    ?.replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The text inside the first element of that name. */
export function twimlText(twiml: string, element: string): string | undefined {
  return new RegExp(`<${element}\\b[^>]*>([^<]*)</${element}>`).exec(twiml)?.[1];
}
