import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type {
  EndCause,
  EventSink,
  OriginateRequest,
  ProviderStatus,
  ReconnectSink,
  TelephonyEvent,
  TelephonyProvider,
} from '../provider';
import { TelephonyError } from '../telephony-error';
import { generateWav } from './wav';
import { TrafficGenerator } from './traffic-generator';

export interface SimProviderOptions {
  logger: Logger;
  /** Simulated inbound calls a minute; 0 turns the generator off. */
  callsPerMinute?: number;
  /** The company number simulated callers dial. */
  companyNumber?: string;
  /** Numbers the generator calls from, typed in mixed forms; random ones are added. */
  knownNumbers?: () => Promise<string[]>;
}

interface SimCall {
  id: string;
  from: string;
  to: string;
  direction: 'inbound' | 'outbound';
  endpoint?: string;
  state: 'ringing' | 'up' | 'ended';
  answeredAt?: number;
  recordingId?: string;
}

/**
 * The simulated PBX: the same events as a real provider, driven by the API, the console and a
 * traffic generator, so the demo, tests and benchmarks run the real pipeline.
 */
export class SimProvider implements TelephonyProvider {
  readonly name = 'sim' as const;
  private readonly calls = new Map<string, SimCall>();
  private readonly recordings = new Map<string, number>();
  private onEvent: EventSink | undefined;
  private readonly since = new Date();
  private generator: TrafficGenerator | undefined;

  constructor(private readonly options: SimProviderOptions) {}

  async start(sinks: { onEvent: EventSink; onReconnect?: ReconnectSink }): Promise<void> {
    this.onEvent = sinks.onEvent;
    // A fresh simulator has no calls: the server closes whatever it thought was still open.
    await sinks.onReconnect?.([]);

    const perMinute = this.options.callsPerMinute ?? 0;
    if (perMinute > 0) {
      this.generator = new TrafficGenerator(this, {
        callsPerMinute: perMinute,
        companyNumber: this.options.companyNumber ?? '+74950000000',
        knownNumbers: this.options.knownNumbers ?? (async () => []),
        logger: this.options.logger,
      });
      this.generator.start();
    }
  }

  async stop(): Promise<void> {
    this.generator?.stop();
    this.onEvent = undefined;
  }

  status(): ProviderStatus {
    return { provider: 'sim', connected: true, since: this.since };
  }

  async simulateInbound(call: { from: string; to: string }): Promise<string> {
    const id = `sim-${crypto.randomUUID()}`;
    this.calls.set(id, {
      id,
      from: call.from,
      to: call.to,
      direction: 'inbound',
      state: 'ringing',
    });
    await this.emit({
      type: 'call.offered',
      providerCallId: id,
      direction: 'inbound',
      from: call.from,
      to: call.to,
      at: new Date(),
    });
    return id;
  }

  async connect(providerCallId: string, endpoint: string): Promise<void> {
    const call = this.live(providerCallId);
    call.endpoint = endpoint;
    await this.emit({ type: 'call.ringing', providerCallId, endpoint, at: new Date() });
  }

  async answer(providerCallId: string): Promise<void> {
    const call = this.live(providerCallId);
    if (call.state === 'up') return;
    if (!call.endpoint) {
      throw new TelephonyError('NOT_RINGING', 'The call is not ringing for an operator yet.', {
        temporary: false,
      });
    }

    call.state = 'up';
    call.answeredAt = Date.now();
    await this.emit({
      type: 'call.answered',
      providerCallId,
      endpoint: call.endpoint,
      at: new Date(),
    });
  }

  /** Either side hangs up. Before an answer it is the caller abandoning (a missed call). */
  async hangup(providerCallId: string): Promise<void> {
    const call = this.calls.get(providerCallId);
    if (!call || call.state === 'ended') return;

    await this.end(call, call.state === 'up' ? 'completed' : 'abandoned');
  }

  /** The operator declines a ringing call: the caller stays and is routed again. */
  async decline(providerCallId: string): Promise<void> {
    const call = this.live(providerCallId);
    if (call.state !== 'ringing' || !call.endpoint) return;

    const endpoint = call.endpoint;
    call.endpoint = undefined;
    await this.emit({
      type: 'operator.unanswered',
      providerCallId,
      endpoint,
      reason: 'declined',
      at: new Date(),
    });
  }

  async originate(request: OriginateRequest): Promise<{ providerCallId: string }> {
    const id = `sim-out-${crypto.randomUUID()}`;
    this.calls.set(id, {
      id,
      from: this.options.companyNumber ?? '+74950000000',
      to: request.to,
      direction: 'outbound',
      endpoint: request.endpoint,
      state: 'ringing',
    });
    return { providerCallId: id };
  }

  async startRecording(): Promise<void> {}

  async stopRecording(): Promise<void> {}

  async fetchRecording(recordingId: string): Promise<Readable> {
    const seconds = this.recordings.get(recordingId);
    if (seconds === undefined) {
      throw new TelephonyError('RECORDING_NOT_FOUND', 'No such recording.', { temporary: false });
    }

    return Readable.from([generateWav(Math.min(seconds, 30), recordingId.length)]);
  }

  private async end(call: SimCall, cause: EndCause): Promise<void> {
    call.state = 'ended';
    this.calls.delete(call.id);
    await this.emit({ type: 'call.ended', providerCallId: call.id, cause, at: new Date() });

    if (call.answeredAt !== undefined) {
      const recordingId = `rec-${call.id}`;
      const seconds = Math.max(1, (Date.now() - call.answeredAt) / 1000);
      this.recordings.set(recordingId, seconds);
      await this.emit({
        type: 'recording.ready',
        providerCallId: call.id,
        recordingId,
        format: 'wav',
        durationSeconds: Math.round(seconds),
        at: new Date(),
      });
    }
  }

  private live(providerCallId: string): SimCall {
    const call = this.calls.get(providerCallId);
    if (!call || call.state === 'ended') {
      throw new TelephonyError('CALL_GONE', 'The call is already over.', { temporary: false });
    }
    return call;
  }

  private async emit(event: TelephonyEvent): Promise<void> {
    await this.onEvent?.(event);
  }
}
