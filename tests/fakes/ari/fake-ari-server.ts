import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { resourceDeclaration, resourceListing } from './ari-api-docs';
import { handleRest, type RestResponse } from './fake-ari-routes';
import {
  asteriskTime,
  FakeAsterisk,
  type FakeChannel,
  type StoredRecording,
} from './fake-asterisk';
import { acceptWebSocket, refuseUpgrade, type ServerWebSocket } from './server-websocket';
import { waitForChange } from '../../support/wait-for-change';

export interface FakeAriServerOptions {
  username?: string;
  password?: string;
  /** The Stasis application scripted calls enter. */
  app?: string;
}

/** One request the fake answered, for tests to assert what the adapter asked for. */
export interface AriRequestRecord {
  method: string;
  /** The path, from `/ari` on, without the query. */
  path: string;
  query: Record<string, string>;
  status: number;
  authorized: boolean;
}

export type OperatorFailure = 'no_answer' | 'busy' | 'unavailable';

const FAILURE_CAUSES: Record<OperatorFailure, number> = { no_answer: 19, busy: 17, unavailable: 1 };

interface EventSocket {
  app: string;
  socket: ServerWebSocket;
  replaced: boolean;
}

/**
 * A local stand-in for Asterisk's ARI, speaking its protocol closely enough for the real
 * ari-client: api-docs, Basic or api_key auth, the REST routes the CRM uses, and the events
 * WebSocket. Tests script calls on it and make it misbehave.
 *
 * @example
 * const ari = new FakeAriServer({ username: 'crm', password: 'secret', app: 'crm' });
 * await ari.start();
 * const callerId = ari.startInboundCall({ from: '+442071234567', to: '100' });
 */
export class FakeAriServer {
  readonly asterisk: FakeAsterisk;
  readonly requests: AriRequestRecord[] = [];
  /** Every event published, delivered or not, in order. */
  readonly publishedEvents: Record<string, unknown>[] = [];
  /** How many events WebSockets were accepted since the start. */
  socketsAccepted = 0;

  private readonly app: string;
  private credentials: { username: string; password: string };
  private readonly server: http.Server;
  private readonly tcpSockets = new Set<Socket>();
  private readonly eventSockets: EventSocket[] = [];
  private readonly changes = new EventEmitter<{ change: [] }>();
  private readonly brokenDocs = new Map<string, number>();
  private readonly claimedOriginations = new Set<string>();
  private restDelayMs = 0;
  private port = 0;

  constructor(options: FakeAriServerOptions = {}) {
    this.app = options.app ?? 'crm';
    this.credentials = {
      username: options.username ?? 'crm',
      password: options.password ?? 'secret',
    };
    this.asterisk = new FakeAsterisk((app, event) => this.publish(app, event));
    this.asterisk.on('change', () => this.changed());
    this.changes.setMaxListeners(0);

    this.server = http.createServer((request, response) => {
      void this.handleRequest(request, response);
    });
    this.server.on('connection', (socket) => {
      this.tcpSockets.add(socket);
      socket.on('close', () => this.tcpSockets.delete(socket));
    });
    this.server.on('upgrade', (request, socket) => this.handleUpgrade(request, socket));
  }

  /** The Asterisk HTTP server's origin, e.g. `http://127.0.0.1:41234`, as ARI_URL takes it. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get openEventSockets(): number {
    return this.eventSockets.filter((entry) => entry.socket.isOpen && !entry.replaced).length;
  }

  async start(): Promise<void> {
    await this.listen(0);
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    if (!this.server.listening) return;

    await this.closeListener();
  }

  /**
   * Resolves with the first truthy value of `check`, re-evaluated whenever the fake's state, its
   * sockets or its request log change. Fails after `timeoutMs` naming `what`, so a test that
   * waits for something that never happens says what it was waiting for.
   */
  waitFor<T>(
    what: string,
    check: () => T | undefined | null | false,
    timeoutMs = 5000,
  ): Promise<T> {
    return waitForChange(this.changes, `FakeAriServer: ${what}`, check, timeoutMs);
  }

  waitForEventSocket(): Promise<true> {
    return this.waitFor('an open events WebSocket', () => this.openEventSockets > 0);
  }

  // Scripted calls.

  /** A customer's call reaches the application; returns the caller's channel id. */
  startInboundCall(call: { from: string; to: string }): string {
    return this.asterisk.startInboundCall({ ...call, app: this.app }).id;
  }

  repeatStasisStart(channelId: string): void {
    this.asterisk.repeatStasisStart(channelId);
  }

  /** The far side of a channel hangs up: a caller, an operator, a customer. */
  hangup(channelId: string, cause = 16): void {
    this.asterisk.hangup(channelId, cause, false);
  }

  /** Waits for the adapter to dial `endpoint`; each origination is handed out once. */
  async waitForOrigination(endpoint: string): Promise<FakeChannel> {
    const channel = await this.waitFor(`an origination to ${endpoint}`, () =>
      [...this.asterisk.channels.values()].find(
        (candidate) =>
          candidate.kind === 'originated' &&
          candidate.endpoint === endpoint &&
          !this.claimedOriginations.has(candidate.id),
      ),
    );
    this.claimedOriginations.add(channel.id);
    return channel;
  }

  ring(channelId: string): void {
    this.asterisk.setState(channelId, 'Ringing');
  }

  answer(channelId: string): void {
    this.asterisk.answerOriginated(channelId);
  }

  failOrigination(channelId: string, failure: OperatorFailure): void {
    this.asterisk.failOriginated(channelId, FAILURE_CAUSES[failure]);
  }

  finishRecording(name: string): StoredRecording {
    return this.asterisk.finishRecording(name);
  }

  // Misbehaviours.

  /** Cuts every events WebSocket without a close frame, as a dying Asterisk or network would. */
  dropSocket(): void {
    for (const entry of this.eventSockets.splice(0)) entry.socket.destroy();
    this.changed();
  }

  /** The events sockets stay open but no longer answer pings, like a hung Asterisk. */
  stopAnsweringPings(): void {
    for (const entry of this.eventSockets) entry.socket.answerPings = false;
  }

  /** Stops listening and cuts every connection: clients get ECONNREFUSED until accepted again. */
  async refuseConnections(): Promise<void> {
    await this.closeListener();
    this.changed();
  }

  async acceptConnections(): Promise<void> {
    await this.listen(this.port);
    this.changed();
  }

  setCredentials(username: string, password: string): void {
    this.credentials = { username, password };
  }

  /** Every REST answer (not the api-docs) is held back this long. */
  setRestDelay(milliseconds: number): void {
    this.restDelayMs = milliseconds;
  }

  /** The declaration of `resource` answers `status`, as when a res_ari module is not loaded. */
  breakApiDocs(resource: string, status = 404): void {
    this.brokenDocs.set(resource, status);
  }

  repairApiDocs(): void {
    this.brokenDocs.clear();
  }

  /** Sends an event of a type that the api-docs do not declare, as a newer Asterisk might. */
  sendUnknownEvent(type = 'ChannelTransfer'): void {
    this.publish(this.app, { type, detail: 'not in the api-docs' });
  }

  /** Sends any payload as it is, to test how a client copes with it. */
  sendRawEvent(payload: string): void {
    this.sendRawEventTo(this.app, payload);
  }

  // Internals.

  private publish(app: string, fields: Record<string, unknown>): void {
    const event = { ...fields, timestamp: asteriskTime(), application: app, asterisk_id: 'fake' };
    this.publishedEvents.push(event);
    this.sendRawEventTo(app, JSON.stringify(event));
  }

  private sendRawEventTo(app: string, text: string): void {
    for (const entry of this.eventSockets) {
      if (entry.app === app && !entry.replaced) entry.socket.sendText(text);
    }
  }

  private async handleRequest(
    request: http.IncomingMessage,
    response: http.ServerResponse,
  ): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://fake');
    const authorized = this.isAuthorized(request, url);
    const record = (status: number) => {
      this.requests.push({
        method: request.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        status,
        authorized,
      });
      this.changed();
    };

    if (!authorized) {
      response.setHeader('WWW-Authenticate', 'Basic realm="Asterisk REST Interface"');
      sendJson(response, 401, { message: 'Authentication required' });
      record(401);
      return;
    }

    if (url.pathname.startsWith('/ari/api-docs/')) {
      const status = this.serveApiDocs(request, response, url.pathname);
      record(status);
      return;
    }

    if (this.restDelayMs > 0) await delay(this.restDelayMs);

    const answer = this.answerRest(request.method ?? 'GET', url);
    if (answer.audio) {
      response.writeHead(answer.status, {
        'Content-Type': 'audio/wav',
        'Content-Length': answer.audio.length,
      });
      response.end(answer.audio);
    } else if (answer.json !== undefined) {
      sendJson(response, answer.status, answer.json);
    } else {
      response.writeHead(answer.status);
      response.end();
    }
    record(answer.status);
  }

  private answerRest(method: string, url: URL): RestResponse {
    try {
      return handleRest(
        this.asterisk,
        this.app,
        method,
        url.pathname.replace(/^\/ari/, ''),
        url.searchParams,
      );
    } catch (error) {
      // A bug in the fake must fail the test that met it, not hang it.
      console.error('FakeAriServer: a route failed', error);
      return { status: 500, json: { message: 'Internal Server Error' } };
    }
  }

  private serveApiDocs(
    request: http.IncomingMessage,
    response: http.ServerResponse,
    pathname: string,
  ): number {
    const basePath = `http://${request.headers.host ?? `127.0.0.1:${this.port}`}/ari`;
    const name = /^\/ari\/api-docs\/([^/]+)\.json$/.exec(pathname)?.[1] ?? '';

    const broken = this.brokenDocs.get(name);
    if (broken) {
      sendJson(response, broken, { message: 'Resource declaration unavailable' });
      return broken;
    }

    const body =
      name === 'resources' ? resourceListing(basePath) : resourceDeclaration(name, basePath);
    if (!body) {
      sendJson(response, 404, { message: 'Resource not found' });
      return 404;
    }

    sendJson(response, 200, body);
    return 200;
  }

  private handleUpgrade(request: http.IncomingMessage, socket: Duplex): void {
    const url = new URL(request.url ?? '/', 'http://fake');
    const authorized = this.isAuthorized(request, url);
    const app = url.searchParams.get('app') ?? '';
    const status = !authorized
      ? 401
      : url.pathname !== '/ari/events'
        ? 404
        : app === ''
          ? 400
          : 101;

    this.requests.push({
      method: 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status,
      authorized,
    });

    if (status !== 101) {
      refuseUpgrade(socket, status, status === 401 ? 'Unauthorized' : 'Bad Request');
      this.changed();
      return;
    }

    // One WebSocket per application: the newest wins and the older one is told so.
    for (const entry of this.eventSockets) {
      if (entry.app !== app || entry.replaced) continue;
      entry.socket.sendText(
        JSON.stringify({
          type: 'ApplicationReplaced',
          application: app,
          timestamp: asteriskTime(),
        }),
      );
      entry.replaced = true;
    }

    const entry: EventSocket = { app, socket: acceptWebSocket(request, socket), replaced: false };
    this.eventSockets.push(entry);
    this.socketsAccepted += 1;
    entry.socket.on('close', () => {
      const index = this.eventSockets.indexOf(entry);
      if (index >= 0) this.eventSockets.splice(index, 1);
      this.changed();
    });
    this.changed();
  }

  private isAuthorized(request: http.IncomingMessage, url: URL): boolean {
    const { username, password } = this.credentials;
    const expected = `${username}:${password}`;

    const apiKey = url.searchParams.get('api_key');
    if (apiKey !== null) return apiKey === expected;

    const header = request.headers.authorization ?? '';
    if (!header.startsWith('Basic ')) return false;
    return Buffer.from(header.slice(6), 'base64').toString('utf8') === expected;
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  private closeListener(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const entry of this.eventSockets.splice(0)) entry.socket.destroy();
      for (const socket of this.tcpSockets) socket.destroy();
    });
  }

  private changed(): void {
    this.changes.emit('change');
  }
}

function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}

function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
