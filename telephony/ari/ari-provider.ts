import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type {
  OriginateRequest,
  ProviderStatus,
  ReconnectSink,
  SnoopMode,
  TelephonyEvent,
  TelephonyProvider,
  EventSink,
} from '../provider';
import { TelephonyError } from '../telephony-error';
import { AriCallFlow } from './ari-call-flow';
import { CallRegistry, type TrackedCall, type TrackedLeg } from './ari-call-registry';
import { AriConnection } from './ari-connection';
import { isNotFound } from './ari-error';
import { type AriHttpSettings, ariGet } from './ari-http';
import { encodeLegArgs } from './ari-leg';
import { reconcile } from './ari-reconciler';
import { AriRest } from './ari-rest';
import { CallEventQueue } from './call-event-queue';

export interface AriProviderConfig {
  /** The Asterisk HTTP server, e.g. `http://pbx:8088`. */
  url: string;
  username: string;
  password: string;
  /** The Stasis application the dialplan sends calls to, as in `Stasis(crm)`. */
  app: string;
  logger: Logger;
  recordingFormat?: 'wav';
  /** How a customer's number is dialled on outbound calls; default `PJSIP/{number}@trunk`. */
  customerEndpoint?: string;
  /** The caller id customers see on outbound calls; default: none set. */
  outboundCallerId?: string;
}

/** Tuning, mostly for tests; the defaults suit production. */
export interface AriProviderOptions {
  /** First wait before reconnecting; it doubles on each failure. Default 500 ms. */
  initialBackoffMs?: number;
  /** The longest wait between reconnect attempts. Default 30 s. */
  maxBackoffMs?: number;
  /** How long a REST call or the api-docs load may take. Default 10 s. */
  requestTimeoutMs?: number;
  /** Pings on the events socket; an unanswered ping drops it. Default 20 s; 0 disables. */
  pingIntervalMs?: number;
  /** How long an operator's (or a customer's) phone rings. Default 30 s. */
  ringSeconds?: number;
  /** Record every answered call. Default true. */
  recordCalls?: boolean;
}

/**
 * The Asterisk ARI provider. Inbound calls reach it through `Stasis(<app>)` in the dialplan.
 *
 * @example
 * const provider = createAriProvider({ url: 'http://pbx:8088', username: 'crm', password,
 *   app: 'crm', logger });
 * await provider.start({ onEvent, onReconnect });
 */
export function createAriProvider(
  config: AriProviderConfig,
  options: AriProviderOptions = {},
): TelephonyProvider {
  return new AriProvider(config, options);
}

class AriProvider implements TelephonyProvider {
  readonly name = 'ari' as const;
  private readonly log: Logger;
  private readonly http: AriHttpSettings;
  private readonly registry = new CallRegistry();
  private readonly connection: AriConnection;
  private readonly rest: AriRest;
  private readonly flow: AriCallFlow;
  private readonly ringSeconds: number;
  private queue?: CallEventQueue;
  private onReconnect?: ReconnectSink;

  constructor(
    private readonly config: AriProviderConfig,
    options: AriProviderOptions,
  ) {
    this.log = config.logger;
    this.ringSeconds = options.ringSeconds ?? 30;
    this.http = {
      url: config.url,
      username: config.username,
      password: config.password,
      timeoutMs: options.requestTimeoutMs ?? 10_000,
    };

    this.connection = new AriConnection(
      {
        ...this.http,
        app: config.app,
        logger: this.log,
        initialBackoffMs: options.initialBackoffMs ?? 500,
        maxBackoffMs: options.maxBackoffMs ?? 30_000,
        pingIntervalMs: options.pingIntervalMs ?? 20_000,
      },
      { onEvent: (event) => this.flow.handle(event), onConnected: () => this.reconnected() },
    );
    this.rest = new AriRest(() => this.connection.client(), this.http.timeoutMs);

    const template = config.customerEndpoint ?? 'PJSIP/{number}@trunk';
    this.flow = new AriCallFlow(
      {
        app: config.app,
        logger: this.log,
        recordingFormat: config.recordingFormat ?? 'wav',
        recordCalls: options.recordCalls ?? true,
        ringSeconds: this.ringSeconds,
        retryDelayMs: options.initialBackoffMs ?? 500,
        isConnected: () => this.connection.status().connected,
        customerEndpoint: (number) => template.replaceAll('{number}', number),
        outboundCallerId: config.outboundCallerId,
      },
      this.registry,
      this.rest,
      (event) => this.emit(event),
    );
  }

  async start(sinks: { onEvent: EventSink; onReconnect?: ReconnectSink }): Promise<void> {
    this.queue = new CallEventQueue(sinks.onEvent, this.log);
    this.onReconnect = sinks.onReconnect;
    this.connection.start();
  }

  async stop(): Promise<void> {
    await this.connection.stop();
    await this.queue?.drain();
  }

  status(): ProviderStatus {
    return { provider: 'ari', ...this.connection.status() };
  }

  async connect(providerCallId: string, endpoint: string): Promise<void> {
    const call = this.liveCall(providerCallId);
    if (call.direction !== 'inbound') throw refused('Only an inbound call can be connected.');
    if (call.answered) throw refused('The call is already connected to an operator.');

    // A new connect replaces an operator still ringing; that leg's end is no news.
    const previous = call.operatorLegId;
    call.operatorLegId = undefined;
    if (previous) {
      void this.flow.quietly(this.rest.hangup(previous), 'hang up the previous operator');
    }

    if (!call.bridgeId) call.bridgeId = await this.bridgeWithCustomer(call);

    const channelId = randomUUID();
    call.operatorLegId = channelId;
    call.operatorEndpoint = endpoint;
    const leg = await this.dialLeg(
      { channelId, callId: call.id, role: 'operator', endpoint },
      call.customerNumber,
    ).catch((error: unknown) => {
      if (call.operatorLegId === channelId) call.operatorLegId = undefined;
      throw error;
    });

    this.flow.reportRinging(call, leg, new Date());
  }

  /**
   * Rings the operator first; once they answer the customer is dialled into the same bridge. No
   * `call.offered` or `call.ringing` is emitted (the server records the call from this answer);
   * `call.answered` follows when the customer picks up, then `call.ended`.
   */
  async originate(request: OriginateRequest): Promise<{ providerCallId: string }> {
    const { app } = this.config;
    const callId = `${app}-${randomUUID()}`;
    const bridgeId = `${app}-${randomUUID()}`;
    const channelId = randomUUID();

    await this.rest.createBridge(bridgeId);
    this.registry.addCall({
      id: callId,
      direction: 'outbound',
      customerNumber: request.to,
      bridgeId,
      operatorLegId: channelId,
      operatorEndpoint: request.endpoint,
    });

    try {
      const operator = { channelId, callId, role: 'operator', endpoint: request.endpoint } as const;
      await this.dialLeg(operator, request.to);
    } catch (error) {
      this.registry.forgetCall(callId);
      void this.flow.quietly(this.rest.destroyBridge(bridgeId), 'close a bridge');
      throw error;
    }

    return { providerCallId: callId };
  }

  async hangup(providerCallId: string): Promise<void> {
    const call = this.registry.call(providerCallId);
    if (call) call.hangupRequested = true;

    const target =
      call?.direction === 'outbound' && !call.customerDialled ? call.operatorLegId : providerCallId;
    if (!target) return;

    try {
      await this.rest.hangup(target);
    } catch (error) {
      // Already gone: the call is over, which is what was asked.
      if (!isNotFound(error)) throw error;
    }
  }

  async startRecording(providerCallId: string): Promise<void> {
    await this.flow.startRecording(this.liveCall(providerCallId));
  }

  async stopRecording(providerCallId: string): Promise<void> {
    const name = this.liveCall(providerCallId).recordingName;
    if (!name) return;

    try {
      await this.rest.stopRecording(name);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  async fetchRecording(recordingId: string): Promise<Readable> {
    const path = `/recordings/stored/${encodeURIComponent(recordingId)}/file`;
    const response = await ariGet(this.http, path, 'fetch the recording');
    if (!response.body) {
      throw new TelephonyError('ARI_FAILED', 'Asterisk sent an empty recording.', {
        temporary: true,
      });
    }
    return Readable.fromWeb(response.body);
  }

  /**
   * listen: hears both sides; whisper: also talks to the operator only; barge: joins the
   * conversation. The supervisor's phone is rung first; hanging it up ends the session.
   */
  async snoop(providerCallId: string, endpoint: string, mode: SnoopMode): Promise<void> {
    const call = this.liveCall(providerCallId);
    const talking = call.answered && call.bridgeId && call.operatorLegId;
    if (mode !== 'listen' && !talking) throw refused('The call has no conversation to join yet.');

    const supervisor = {
      channelId: randomUUID(),
      callId: call.id,
      role: 'supervisor',
      endpoint,
    } as const;
    if (mode === 'barge' && call.bridgeId) {
      await this.dialLeg({ ...supervisor, bridgeId: call.bridgeId });
      return;
    }

    // listen and whisper: a snoop channel on the operator (or, before an answer, the customer)
    // and the supervisor meet in a bridge of their own.
    const { app } = this.config;
    const bridgeId = `${app}-${randomUUID()}`;
    const snoopId = randomUUID();
    await this.rest.createBridge(bridgeId);
    const snoop = this.registry.addLeg({
      channelId: snoopId,
      callId: call.id,
      role: 'snoop',
      bridgeId,
      pending: true,
    });

    try {
      await this.rest.snoop(talking ? (call.operatorLegId ?? call.id) : call.id, {
        spy: 'both',
        whisper: mode === 'whisper' ? 'out' : 'none',
        app,
        appArgs: encodeLegArgs({ role: 'snoop', callId: call.id, bridgeId }),
        snoopId,
      });
      snoop.pending = false;
      await this.dialLeg({ ...supervisor, bridgeId });
    } catch (error) {
      this.registry.removeLeg(snoopId);
      void this.flow.quietly(this.rest.hangup(snoopId), 'hang up a snoop channel');
      void this.flow.quietly(this.rest.destroyBridge(bridgeId), 'close a supervisor bridge');
      throw error;
    }
  }

  /**
   * Dials a leg into the application, its purpose in the application arguments. It is tracked
   * as pending until Asterisk accepts the dial, and forgotten if Asterisk refuses it.
   */
  private async dialLeg(
    leg: Pick<TrackedLeg, 'channelId' | 'callId' | 'role' | 'endpoint' | 'bridgeId'> & {
      endpoint: string;
    },
    callerId?: string,
  ): Promise<TrackedLeg> {
    const tracked = this.registry.addLeg({ ...leg, pending: true });
    try {
      await this.rest.originate({
        endpoint: leg.endpoint,
        app: this.config.app,
        appArgs: encodeLegArgs(leg),
        channelId: leg.channelId,
        timeout: this.ringSeconds,
        ...(callerId ? { callerId } : {}),
      });
    } catch (error) {
      this.registry.removeLeg(leg.channelId);
      throw error;
    }

    tracked.pending = false;
    return tracked;
  }

  /** A new bridge holding the customer; kept only if both steps succeed. */
  private async bridgeWithCustomer(call: TrackedCall): Promise<string> {
    const bridgeId = `${this.config.app}-${randomUUID()}`;
    await this.rest.createBridge(bridgeId);
    try {
      await this.rest.addToBridge(bridgeId, call.id);
    } catch (error) {
      void this.flow.quietly(this.rest.destroyBridge(bridgeId), 'close a bridge');
      throw error;
    }
    return bridgeId;
  }

  private async reconnected(): Promise<void> {
    const liveCalls = await reconcile({
      app: this.config.app,
      registry: this.registry,
      rest: this.rest,
      flow: this.flow,
      logger: this.log,
    });

    // Calls offered while the socket was down reach the server before the list that names them.
    await this.queue?.drain();
    try {
      await this.onReconnect?.(liveCalls);
    } catch (error) {
      // The server's reconciliation failed; reconnecting to Asterisk would not help it.
      this.log.error({ err: error }, 'the server failed to reconcile calls after a reconnect');
    }
  }

  private emit(event: TelephonyEvent): void {
    if (!this.queue) {
      this.log.warn({ type: event.type }, 'dropped a telephony event: the provider is not started');
      return;
    }
    void this.queue.push(event);
  }

  private liveCall(providerCallId: string): TrackedCall {
    const call = this.registry.call(providerCallId);
    if (!call) {
      throw new TelephonyError('ARI_CALL_GONE', 'The call is already over.', { temporary: false });
    }
    return call;
  }
}

function refused(message: string): TelephonyError {
  return new TelephonyError('ARI_REFUSED', message, { temporary: false });
}
