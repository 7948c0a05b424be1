import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { generateWav } from '../../../telephony/sim/wav';
import { accountJson, callJson, errorBody, makeSid, messageJson } from './twilio-rest-shapes';
import type { FakeCall, TwilioErrorBody } from './twilio-rest-shapes';
import { waitForChange } from '../../support/wait-for-change';

/** One request the fake answered, for tests to assert what the adapter asked Twilio for. */
export interface TwilioRequestRecord {
  method: string;
  /** From `/2010-04-01` on, without the query. */
  path: string;
  /** The form fields; a repeated field (StatusCallbackEvent) as an array. */
  params: Record<string, string | string[]>;
  status: number;
  authorized: boolean;
}

/** An answer the next matching request gets instead of the normal one. */
export interface InjectedFailure {
  status: number;
  code: number;
  message: string;
  /** Only requests whose `METHOD /path` matches; every request when absent. */
  match?: RegExp;
}

interface Answer {
  status: number;
  json?: unknown;
  audio?: Buffer;
}

const ROUTES = {
  account: /^\/2010-04-01\/Accounts\/(\w+)\.json$/,
  calls: /^\/2010-04-01\/Accounts\/(\w+)\/Calls\.json$/,
  call: /^\/2010-04-01\/Accounts\/(\w+)\/Calls\/(\w+)\.json$/,
  messages: /^\/2010-04-01\/Accounts\/(\w+)\/Messages\.json$/,
  recording: /^\/2010-04-01\/Accounts\/(\w+)\/Recordings\/(\w+)\.wav$/,
};
const DIALLABLE = /^(\+[1-9]\d{6,14}|client:[\w.@-]+|sips?:\S+)$/;
const PHONE = /^\+[1-9]\d{6,14}$/;

/**
 * A local stand-in for Twilio's REST API, written for the CRM's tests and reached by the real
 * twilio library: the Calls, Messages, Account and Recordings media endpoints the adapter uses,
 * Basic auth, Twilio-shaped errors ({code, message, more_info, status}), injected failures and a
 * log of every request. It does not place calls or send webhooks: tests play Twilio's webhooks.
 *
 * @example
 * const twilioApi = new FakeTwilioServer();
 * await twilioApi.start();
 * const callSid = twilioApi.inboundCall({ from: '+14155550100', to: '+14155550199' }).sid;
 */
export class FakeTwilioServer {
  readonly accountSid: string;
  readonly authToken: string;
  readonly requests: TwilioRequestRecord[] = [];
  readonly calls = new Map<string, FakeCall>();
  readonly messages: { sid: string; to: string; from: string; body: string }[] = [];

  private readonly recordings = new Map<string, Buffer>();
  private readonly failures: InjectedFailure[] = [];
  private readonly claimed = new Set<TwilioRequestRecord>();
  private readonly changes = new EventEmitter<{ change: [] }>();
  private readonly sockets = new Set<Socket>();
  private readonly server: http.Server;
  private port = 0;

  constructor(options: { accountSid?: string; authToken?: string } = {}) {
    this.accountSid = options.accountSid ?? makeSid('AC');
    this.authToken = options.authToken ?? 'fake-twilio-auth-token-0123456789';
    this.changes.setMaxListeners(0);
    this.server = http.createServer((request, response) => {
      void this.handle(request, response);
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** The address TWILIO_API_URL takes, e.g. `http://127.0.0.1:41234`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    if (!this.server.listening) return;

    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // What Twilio would have on its side.

  /** A customer's call to the company number, answered by Twilio and running the voice TwiML. */
  inboundCall(call: { from: string; to: string }): FakeCall {
    const now = new Date();
    const created: FakeCall = {
      sid: makeSid('CA'),
      accountSid: this.accountSid,
      to: call.to,
      from: call.from,
      direction: 'inbound',
      status: 'in-progress',
      createdAt: now,
      updatedAt: now,
    };
    this.calls.set(created.sid, created);
    return created;
  }

  /** A finished recording whose audio the media endpoint serves; returns its RecordingSid. */
  addRecording(seconds: number): string {
    const sid = makeSid('RE');
    this.recordings.set(sid, generateWav(seconds, 3));
    return sid;
  }

  /** The next request matching `failure.match` gets this error instead of its answer. */
  failNext(failure: InjectedFailure): void {
    this.failures.push(failure);
  }

  // Waiting for the adapter.

  /**
   * Resolves with the first truthy value of `check`, evaluated now and after every request.
   * Fails after `timeoutMs` naming `what`, a guard against a hung test rather than a timing bet.
   */
  waitFor<T>(
    what: string,
    check: () => T | undefined | null | false,
    timeoutMs = 5000,
  ): Promise<T> {
    return waitForChange(this.changes, `FakeTwilioServer: ${what}`, check, timeoutMs);
  }

  /** The first request not handed out before whose `METHOD /path` matches; each is given once. */
  async nextRequest(
    pattern: RegExp,
    match: (request: TwilioRequestRecord) => boolean = () => true,
  ): Promise<TwilioRequestRecord> {
    const found = await this.waitFor(`a request matching ${String(pattern)}`, () =>
      this.requests.find(
        (request) =>
          !this.claimed.has(request) &&
          pattern.test(`${request.method} ${request.path}`) &&
          match(request),
      ),
    );
    this.claimed.add(found);
    return found;
  }

  // The REST API.

  private async handle(request: http.IncomingMessage, response: http.ServerResponse) {
    const path = new URL(request.url ?? '/', 'http://fake').pathname;
    const method = request.method ?? 'GET';
    const params = await readForm(request);
    const authorized = this.authorized(request.headers.authorization);

    const answer = authorized
      ? (this.injected(`${method} ${path}`) ?? this.route(method, path, params))
      : { status: 401, json: errorBody(401, 20003, 'Authenticate') };

    this.requests.push({ method, path, params, status: answer.status, authorized });
    if (answer.audio) {
      response.writeHead(answer.status, {
        'content-type': 'audio/x-wav',
        'content-length': answer.audio.length,
      });
      response.end(answer.audio);
    } else {
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer.json ?? {}));
    }
    this.changes.emit('change');
  }

  private authorized(header: string | undefined): boolean {
    const [scheme, encoded] = (header ?? '').split(' ');
    if (scheme !== 'Basic' || !encoded) return false;

    return Buffer.from(encoded, 'base64').toString() === `${this.accountSid}:${this.authToken}`;
  }

  private injected(request: string): Answer | undefined {
    const index = this.failures.findIndex((failure) => failure.match?.test(request) ?? true);
    if (index < 0) return undefined;

    const [failure] = this.failures.splice(index, 1);
    if (!failure) return undefined;
    return {
      status: failure.status,
      json: errorBody(failure.status, failure.code, failure.message),
    };
  }

  private route(method: string, path: string, params: Record<string, string | string[]>): Answer {
    const account = /^\/2010-04-01\/Accounts\/(\w+)/.exec(path)?.[1];
    if (account !== this.accountSid) return notFound(path);

    if (method === 'GET' && ROUTES.account.test(path)) {
      return { status: 200, json: accountJson(this.accountSid) };
    }
    if (method === 'POST' && ROUTES.calls.test(path)) return this.createCall(params);

    const callSid = ROUTES.call.exec(path)?.[2];
    if (callSid && method === 'POST') return this.updateCall(path, callSid, params);
    if (callSid && method === 'GET') {
      const call = this.calls.get(callSid);
      return call ? { status: 200, json: callJson(call) } : notFound(path);
    }

    if (method === 'POST' && ROUTES.messages.test(path)) return this.createMessage(params);

    const recordingSid = ROUTES.recording.exec(path)?.[2];
    if (recordingSid && method === 'GET') {
      const audio = this.recordings.get(recordingSid);
      return audio ? { status: 200, audio } : notFound(path);
    }

    return notFound(path);
  }

  private createCall(params: Record<string, string | string[]>): Answer {
    const to = single(params.To);
    const from = single(params.From);
    if (!to || !DIALLABLE.test(to)) return invalid(21211, `Invalid 'To' Phone Number: ${to ?? ''}`);
    if (!from || !PHONE.test(from)) {
      return invalid(21212, `Invalid 'From' Phone Number: ${from ?? ''}`);
    }
    if (!params.Url && !params.Twiml && !params.ApplicationSid) {
      return invalid(21205, 'Url parameter is required.');
    }

    const now = new Date();
    const call: FakeCall = {
      sid: makeSid('CA'),
      accountSid: this.accountSid,
      to,
      from,
      direction: 'outbound-api',
      status: 'queued',
      twiml: single(params.Twiml),
      createdAt: now,
      updatedAt: now,
    };
    this.calls.set(call.sid, call);
    return { status: 201, json: callJson(call) };
  }

  private updateCall(
    path: string,
    callSid: string,
    params: Record<string, string | string[]>,
  ): Answer {
    const call = this.calls.get(callSid);
    if (!call) return notFound(path);

    const ended = call.status === 'completed' || call.status === 'canceled';
    const twiml = single(params.Twiml);
    if (twiml !== undefined) {
      if (ended) return invalid(21220, 'Call is not in-progress. Cannot redirect.');
      call.twiml = twiml;
    }

    const status = single(params.Status);
    if (status === 'completed' || status === 'canceled') call.status = status;
    call.updatedAt = new Date();
    return { status: 200, json: callJson(call) };
  }

  private createMessage(params: Record<string, string | string[]>): Answer {
    const to = single(params.To);
    const from = single(params.From);
    const body = single(params.Body);
    if (!to || !PHONE.test(to)) return invalid(21211, `Invalid 'To' Phone Number: ${to ?? ''}`);
    if (!from || !PHONE.test(from)) {
      return invalid(21212, `Invalid 'From' Phone Number: ${from ?? ''}`);
    }
    if (!body) return invalid(21602, 'Message body is required.');

    const message = { sid: makeSid('SM'), accountSid: this.accountSid, to, from, body };
    this.messages.push(message);
    return { status: 201, json: messageJson({ ...message, createdAt: new Date() }) };
  }
}

async function readForm(request: http.IncomingMessage): Promise<Record<string, string | string[]>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);

  const params: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(Buffer.concat(chunks).toString())) {
    const earlier = params[name];
    if (earlier === undefined) params[name] = value;
    else params[name] = Array.isArray(earlier) ? [...earlier, value] : [earlier, value];
  }
  return params;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function invalid(code: number, message: string): Answer {
  return { status: 400, json: errorBody(400, code, message) };
}

function notFound(path: string): Answer {
  const body: TwilioErrorBody = errorBody(
    404,
    20404,
    `The requested resource ${path} was not found`,
  );
  return { status: 404, json: body };
}
