import crypto from 'node:crypto';

/** A Twilio sid: two letters naming the resource and 32 hex digits. */
export function makeSid(prefix: 'AC' | 'CA' | 'SM' | 'RE'): string {
  return `${prefix}${crypto.randomBytes(16).toString('hex')}`;
}

/** Twilio's dates in its REST answers (RFC 2822). */
export function twilioDate(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

/** The error body of Twilio's REST API, as twilio-node turns it into a RestException. */
export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

export function errorBody(status: number, code: number, message: string): TwilioErrorBody {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

export interface FakeCall {
  sid: string;
  accountSid: string;
  to: string;
  from: string;
  direction: 'inbound' | 'outbound-api';
  status: 'queued' | 'ringing' | 'in-progress' | 'completed' | 'canceled';
  /** The TwiML the call runs now: what `create` or the last `update` gave it. */
  twiml?: string;
  createdAt: Date;
  updatedAt: Date;
}

/** A Call resource as the REST API renders it (the fields twilio-node reads). */
export function callJson(call: FakeCall) {
  const base = `/2010-04-01/Accounts/${call.accountSid}/Calls/${call.sid}`;
  return {
    sid: call.sid,
    account_sid: call.accountSid,
    api_version: '2010-04-01',
    to: call.to,
    to_formatted: call.to,
    from: call.from,
    from_formatted: call.from,
    direction: call.direction,
    status: call.status,
    parent_call_sid: null,
    phone_number_sid: null,
    date_created: twilioDate(call.createdAt),
    date_updated: twilioDate(call.updatedAt),
    start_time: call.status === 'queued' ? null : twilioDate(call.createdAt),
    end_time: call.status === 'completed' ? twilioDate(call.updatedAt) : null,
    duration: null,
    price: null,
    price_unit: 'USD',
    answered_by: null,
    forwarded_from: null,
    caller_name: null,
    group_sid: null,
    queue_time: '0',
    trunk_sid: null,
    uri: `${base}.json`,
    subresource_uris: { recordings: `${base}/Recordings.json` },
  };
}

export function messageJson(message: {
  sid: string;
  accountSid: string;
  to: string;
  from: string;
  body: string;
  createdAt: Date;
}) {
  return {
    sid: message.sid,
    account_sid: message.accountSid,
    api_version: '2010-04-01',
    to: message.to,
    from: message.from,
    body: message.body,
    status: 'queued',
    direction: 'outbound-api',
    num_segments: '1',
    num_media: '0',
    price: null,
    price_unit: 'USD',
    error_code: null,
    error_message: null,
    messaging_service_sid: null,
    date_created: twilioDate(message.createdAt),
    date_updated: twilioDate(message.createdAt),
    date_sent: null,
    uri: `/2010-04-01/Accounts/${message.accountSid}/Messages/${message.sid}.json`,
    subresource_uris: {},
  };
}

export function accountJson(accountSid: string) {
  return {
    sid: accountSid,
    owner_account_sid: accountSid,
    friendly_name: 'CRM test account',
    status: 'active',
    type: 'Full',
    auth_token: '[redacted]',
    date_created: twilioDate(new Date('2020-01-01T00:00:00Z')),
    date_updated: twilioDate(new Date('2020-01-01T00:00:00Z')),
    uri: `/2010-04-01/Accounts/${accountSid}.json`,
    subresource_uris: {},
  };
}
