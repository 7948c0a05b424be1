import ariClient, { type AriClient, type AriWebSocket } from 'ari-client';
import type { Logger } from 'pino';
import { TelephonyError } from '../telephony-error';
import { wrapAriError } from './ari-error';
import type { AriHttpSettings } from './ari-http';
import { checkApiDocs } from './ari-preflight';
import { withTimeout } from './ari-timeout';

export interface AriConnectionSettings extends AriHttpSettings {
  app: string;
  logger: Logger;
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** How often to ping the events socket; a ping unanswered by the next one drops it. 0: never. */
  pingIntervalMs: number;
}

export interface AriConnectionHandlers {
  /** Each event ari-client parsed, as the JSON Asterisk sent. Must not throw. */
  onEvent(event: unknown): void;
  /** After each (re)connect. A failure drops the connection, so it is tried again. */
  onConnected(): Promise<void>;
}

export interface ConnectionStatus {
  connected: boolean;
  since: Date;
  error?: string;
}

interface Session {
  client: AriClient;
  ws: AriWebSocket;
  /** Settles with the reason when the events socket closes. */
  closed: Promise<string>;
}

const WS_OPEN = 1;

/**
 * Keeps one ari-client connected to Asterisk for as long as it runs, whatever Asterisk does.
 *
 * ari-client 2.2.0 cannot be trusted with that, so each attempt uses a fresh client and this
 * class guards its faults:
 * - its api-docs load throws an uncaught string on an HTTP error: checkApiDocs goes first;
 * - it stops reconnecting after about 43 seconds: its own reconnects are disabled (the socket is
 *   marked closed on purpose before its close handler runs) and this loop retries for ever,
 *   backing off from `initialBackoffMs` to `maxBackoffMs`;
 * - an event type missing from the api-docs, or a message that is not JSON, throws inside its
 *   WebSocket message handler: that handler is wrapped and only given declared event types;
 * - its listeners pile up across reconnects: a replaced client loses all of them.
 */
export class AriConnection {
  private session?: Session;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  /** Why the loop stopped on its own, kept in the status until the next start. */
  private haltReason?: string;
  private state: ConnectionStatus = { connected: false, since: new Date() };
  private readonly log: Logger;

  constructor(
    private readonly settings: AriConnectionSettings,
    private readonly handlers: AriConnectionHandlers,
  ) {
    this.log = settings.logger;
  }

  start(): void {
    if (this.running) return;

    this.running = true;
    this.haltReason = undefined;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    if (this.session) closeNow(this.session);

    await this.loop;
    this.loop = undefined;
  }

  status(): ConnectionStatus {
    return { ...this.state };
  }

  /** The connected client, for REST calls; fails fast while Asterisk is not connected. */
  client(): AriClient {
    if (!this.session) {
      throw new TelephonyError('ARI_NOT_CONNECTED', 'Asterisk is not connected right now.', {
        temporary: true,
      });
    }
    return this.session.client;
  }

  private async run(): Promise<void> {
    let failures = 0;

    while (this.running) {
      try {
        const session = await this.open();
        failures = 0;
        const reason = await this.serve(session);
        this.setDown(this.haltReason ?? reason);
      } catch (error) {
        const failure = wrapAriError(error, 'connect');
        this.setDown(failure.message);
        this.log.warn({ err: failure, code: failure.code }, 'ARI connection attempt failed');
      }
      if (!this.running) break;

      const delayMs = Math.min(
        this.settings.initialBackoffMs * 2 ** failures,
        this.settings.maxBackoffMs,
      );
      failures = Math.min(failures + 1, 30);
      this.log.info({ delayMs }, 'reconnecting to ARI');
      await this.sleep(delayMs);
    }

    this.setDown(this.haltReason);
  }

  private async open(): Promise<Session> {
    const { settings } = this;
    await checkApiDocs(settings);

    const client = await withTimeout(
      ariClient.connect(settings.url, settings.username, settings.password),
      settings.timeoutMs,
      'describe its ARI',
    );
    return this.openSocket(client);
  }

  private openSocket(client: AriClient): Promise<Session> {
    // Settles only on the first open, or when ari-client's own retries run out, which they
    // cannot: they are disabled below. Handled so that bluebird never reports it.
    Promise.resolve(client.start(this.settings.app)).catch((error: unknown) => {
      this.log.debug({ err: error }, 'ari-client gave up a socket the adapter had closed');
    });

    const ws = client._ws;
    if (!ws) return Promise.reject(new Error('ari-client opened no events socket'));

    this.guardMessages(client, ws);
    client.on('*', (event: unknown) => this.dispatch(event));

    return new Promise((resolve, reject) => {
      let lastError: unknown;
      let session: Session | undefined;
      let socketClosed: (reason: string) => void = () => undefined;
      const closed = new Promise<string>((settle) => (socketClosed = settle));

      const openTimer = setTimeout(() => {
        lastError = new TelephonyError('ARI_TIMEOUT', 'Asterisk did not open the events socket.', {
          temporary: true,
        });
        ws.terminate();
      }, this.settings.timeoutMs);

      // Prepended, so they run before ari-client's: stop() marks the socket as closed on
      // purpose, and ari-client's handlers then leave it closed instead of reopening it.
      ws.prependListener('error', (error: unknown) => {
        // The first error says why; ws may add one for the abort that follows it.
        lastError ??= error;
        client.stop();
      });
      ws.prependListener('close', (code: number) => {
        clearTimeout(openTimer);
        client.stop();
        client.removeAllListeners();
        if (this.session === session) this.session = undefined;

        if (!session) {
          reject(lastError ?? new Error(`the events socket closed while opening (${code})`));
          return;
        }
        socketClosed(
          lastError === undefined
            ? `Asterisk closed the events socket (code ${code}).`
            : wrapAriError(lastError, 'keep the events socket open').message,
        );
      });
      ws.once('open', () => {
        clearTimeout(openTimer);
        session = { client, ws, closed };

        // Set before any event can be dispatched, so handlers can make REST calls at once.
        this.session = session;
        this.setUp();
        resolve(session);
      });
    });
  }

  private async serve(session: Session): Promise<string> {
    if (!this.running) {
      closeNow(session);
      return session.closed;
    }

    this.log.info({ app: this.settings.app }, 'connected to ARI');
    const stopHeartbeat = this.startHeartbeat(session);

    try {
      await this.handlers.onConnected();
    } catch (error) {
      this.log.error(
        { err: error },
        'reconciling calls after connecting to ARI failed; reconnecting',
      );
      closeNow(session);
    }

    const reason = await session.closed;
    stopHeartbeat();
    if (this.running) this.log.warn({ reason }, 'ARI events socket closed');
    return reason;
  }

  private dispatch(event: unknown): void {
    if (isApplicationReplaced(event)) {
      // Another process subscribed the same application. Taking it back would only start a
      // tug of war, so this connection stops and says why.
      this.running = false;
      this.haltReason = `Another connection took over the ARI application "${this.settings.app}".`;
      this.setDown(this.haltReason);
      if (this.session) closeNow(this.session);
      this.log.error(
        { app: this.settings.app },
        'another ARI connection took over the application',
      );
      return;
    }

    this.handlers.onEvent(event);
  }

  /**
   * Replaces ari-client's message handler with one that passes it only JSON events whose type
   * the api-docs declare, and contains anything it throws.
   */
  private guardMessages(client: AriClient, ws: AriWebSocket): void {
    const original = ws.listeners('message') as ((data: unknown) => void)[];
    ws.removeAllListeners('message');

    ws.on('message', (data: unknown) => {
      const type = messageType(data);
      if (type === undefined) {
        this.log.warn('ignored an ARI message that is not a JSON event');
        return;
      }
      if (!isDeclaredEvent(client, type)) {
        this.log.warn({ type }, 'ignored an ARI event type the api-docs do not declare');
        return;
      }

      for (const listener of original) {
        try {
          listener.call(ws, data);
        } catch (error) {
          // Nobody above this socket handler could take the error: it would end the process.
          this.log.error({ err: error, type }, 'handling an ARI event failed');
        }
      }
    });
  }

  private startHeartbeat({ client, ws }: Session): () => void {
    if (this.settings.pingIntervalMs <= 0) return () => undefined;

    let awaitingPong = false;
    const onPong = () => {
      awaitingPong = false;
    };
    client.on('pong', onPong);

    const timer = setInterval(() => {
      if (ws.readyState !== WS_OPEN) return;

      if (awaitingPong) {
        this.log.warn('Asterisk did not answer a ping; dropping the events socket');
        ws.terminate();
        return;
      }
      awaitingPong = true;
      client.ping();
    }, this.settings.pingIntervalMs);
    timer.unref();

    return () => {
      clearInterval(timer);
      client.off('pong', onPong);
    };
  }

  private setUp(): void {
    this.state = { connected: true, since: new Date() };
  }

  private setDown(error: string | undefined): void {
    const since = this.state.connected ? new Date() : this.state.since;
    this.state = { connected: false, since, ...(error ? { error } : {}) };
  }

  private sleep(milliseconds: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, milliseconds);
      this.wake = done;
    });
  }
}

/** Closes a session at once: no waiting on a closing handshake with an Asterisk gone quiet. */
function closeNow(session: Session): void {
  session.client.stop();
  session.ws.terminate();
}

function messageType(data: unknown): string | undefined {
  const text = typeof data === 'string' ? data : Buffer.isBuffer(data) ? data.toString('utf8') : '';

  try {
    const message: unknown = JSON.parse(text);
    if (typeof message === 'object' && message !== null && 'type' in message) {
      return typeof message.type === 'string' ? message.type : undefined;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

function isDeclaredEvent(client: AriClient, type: string): boolean {
  const models = client._swagger?.apis.events?.models;
  return models !== undefined && Object.hasOwn(models, type);
}

function isApplicationReplaced(event: unknown): boolean {
  return (
    typeof event === 'object' &&
    event !== null &&
    'type' in event &&
    event.type === 'ApplicationReplaced'
  );
}
