import { EventEmitter } from 'node:events';
import { makeWav } from './wav';

/**
 * The PBX behind the fake ARI server: channels, bridges and recordings, and the events Asterisk
 * would publish to a Stasis application as they change. REST routes and test scripts both act
 * on it; every change is announced with `change`, so tests can wait for a state instead of
 * sleeping.
 */

export type ChannelState = 'Down' | 'Ring' | 'Ringing' | 'Up';

export interface FakeChannel {
  id: string;
  name: string;
  state: ChannelState;
  caller: { name: string; number: string };
  dialplan: {
    context: string;
    exten: string;
    priority: number;
    app_name: string;
    app_data: string;
  };
  creationtime: string;
  /** The application that receives this channel's events. */
  app: string;
  inStasis: boolean;
  args: string[];
  kind: 'inbound' | 'originated' | 'snoop';
  /** For originated channels: the endpoint dialled. */
  endpoint?: string;
  /** For snoop channels: whom they listen to and how. */
  snoop?: { target: string; spy: string; whisper: string };
  bridgeId?: string;
}

export interface FakeBridge {
  id: string;
  app: string;
  channels: string[];
}

export interface FakeRecording {
  name: string;
  format: string;
  targetUri: string;
  app: string;
  startedAt: number;
}

export interface StoredRecording {
  name: string;
  format: string;
  audio: Buffer;
  durationSeconds: number;
}

/** A refusal with the status and message Asterisk would answer. */
export class AriHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const CAUSE_TEXT: Record<number, string> = {
  0: 'Unknown',
  1: 'Unallocated (unassigned) number',
  16: 'Normal Clearing',
  17: 'User busy',
  18: 'No user responding',
  19: 'User alerting, no answer',
  21: 'Call Rejected',
  26: 'Answered elsewhere',
  34: 'Circuit/channel congestion',
  127: 'Interworking, unspecified',
};

/** Asterisk's own timestamp format: ISO 8601 with a numeric zone and no colon. */
export function asteriskTime(date = new Date()): string {
  return date.toISOString().replace('Z', '+0000');
}

export type Publish = (app: string, event: Record<string, unknown>) => void;

export class FakeAsterisk extends EventEmitter<{ change: [] }> {
  readonly channels = new Map<string, FakeChannel>();
  readonly bridges = new Map<string, FakeBridge>();
  readonly liveRecordings = new Map<string, FakeRecording>();
  readonly storedRecordings = new Map<string, StoredRecording>();
  private counter = 0;
  private readonly epoch = Math.floor(Date.now() / 1000);

  constructor(private readonly publish: Publish) {
    super();
  }

  channelJson(channel: FakeChannel): Record<string, unknown> {
    return {
      id: channel.id,
      name: channel.name,
      state: channel.state,
      caller: channel.caller,
      connected: { name: '', number: '' },
      accountcode: '',
      dialplan: channel.dialplan,
      creationtime: channel.creationtime,
      language: 'en',
    };
  }

  bridgeJson(bridge: FakeBridge): Record<string, unknown> {
    return {
      id: bridge.id,
      technology: 'simple_bridge',
      bridge_type: 'mixing',
      bridge_class: 'stasis',
      creator: 'Stasis',
      name: '',
      channels: [...bridge.channels],
    };
  }

  recordingJson(recording: FakeRecording, state: string): Record<string, unknown> {
    const duration = Math.round((Date.now() - recording.startedAt) / 1000);
    return {
      name: recording.name,
      format: recording.format,
      target_uri: recording.targetUri,
      state,
      ...(state === 'done' ? { duration } : {}),
    };
  }

  /** A call from the network reaches `Stasis(app)` in the dialplan. */
  startInboundCall(options: { from: string; to: string; app: string; args?: string[] }) {
    const channel = this.addChannel({
      name: `PJSIP/trunk-${this.nextSuffix()}`,
      state: 'Ring',
      caller: { name: '', number: options.from },
      dialplan: stasisDialplan('from-trunk', options.to, options.app, options.args ?? []),
      app: options.app,
      inStasis: true,
      args: options.args ?? [],
      kind: 'inbound',
    });

    this.startStasis(channel);
    return channel;
  }

  /** Delivers StasisStart again for a channel already in the application. */
  repeatStasisStart(channelId: string): void {
    this.startStasis(this.requireChannel(channelId));
  }

  setState(channelId: string, state: ChannelState): void {
    const channel = this.requireChannel(channelId);
    if (channel.state === state) return;

    channel.state = state;
    this.channelEvent('ChannelStateChange', channel);
    if (channel.kind === 'originated' && state === 'Ringing') this.dialEvent(channel, 'RINGING');
  }

  /** The far end of an originated channel picks up: the channel enters the application. */
  answerOriginated(channelId: string): void {
    const channel = this.requireChannel(channelId);
    if (channel.kind !== 'originated') throw new Error(`${channelId} was not originated`);

    this.dialEvent(channel, 'ANSWER');
    this.setState(channelId, 'Up');
    channel.inStasis = true;
    channel.dialplan = stasisDialplan('default', 's', channel.app, channel.args);
    this.startStasis(channel);
  }

  /** The dialled endpoint never answers, or refuses: the originated channel dies unanswered. */
  failOriginated(channelId: string, cause: number): void {
    const channel = this.requireChannel(channelId);
    const status =
      cause === 17 ? 'BUSY' : cause === 19 || cause === 18 ? 'NOANSWER' : 'CHANUNAVAIL';

    this.dialEvent(channel, status);
    this.hangup(channelId, cause, false);
  }

  /** Ends a channel the way Asterisk reports it, whichever side hung up. */
  hangup(channelId: string, cause: number, soft: boolean): void {
    const channel = this.requireChannel(channelId);

    this.channelEvent('ChannelHangupRequest', channel, { cause, soft });
    if (channel.bridgeId) this.leaveBridge(channel);
    for (const recording of this.liveRecordings.values()) {
      if (recording.targetUri === `channel:${channel.id}`) this.finishRecording(recording.name);
    }
    if (channel.inStasis) this.channelEvent('StasisEnd', channel);

    this.channels.delete(channel.id);
    this.channelEvent('ChannelDestroyed', channel, {
      cause,
      cause_txt: CAUSE_TEXT[cause] ?? 'Unknown',
    });
    this.changed();

    for (const other of [...this.channels.values()]) {
      if (other.snoop?.target === channel.id) this.hangup(other.id, 16, true);
    }
  }

  originate(params: {
    endpoint: string;
    app: string;
    appArgs: string;
    callerId: string;
    channelId?: string;
  }): FakeChannel {
    if (params.channelId && this.channels.has(params.channelId)) {
      throw new AriHttpError(409, 'Channel with given unique ID already exists');
    }

    const args = params.appArgs === '' ? [] : params.appArgs.split(',');
    const channel = this.addChannel({
      id: params.channelId,
      name: `${params.endpoint}-${this.nextSuffix()}`,
      state: 'Down',
      caller: parseCallerId(params.callerId),
      dialplan: { context: 'default', exten: 's', priority: 1, app_name: '', app_data: '' },
      app: params.app,
      inStasis: false,
      args,
      kind: 'originated',
      endpoint: params.endpoint,
    });

    this.dialEvent(channel, '');
    return channel;
  }

  snoop(
    targetId: string,
    params: { spy: string; whisper: string; app: string; appArgs: string; snoopId?: string },
  ) {
    const target = this.requireChannel(targetId, 404);
    const args = params.appArgs === '' ? [] : params.appArgs.split(',');
    const channel = this.addChannel({
      id: params.snoopId,
      name: `Snoop/${target.id}-${this.nextSuffix()}`,
      state: 'Up',
      caller: { name: '', number: '' },
      dialplan: stasisDialplan('default', 's', params.app, args),
      app: params.app,
      inStasis: true,
      args,
      kind: 'snoop',
      snoop: { target: target.id, spy: params.spy, whisper: params.whisper },
    });

    this.startStasis(channel);
    return channel;
  }

  createBridge(app: string, bridgeId?: string): FakeBridge {
    const id = bridgeId || `bridge-${this.nextSuffix()}`;
    if (this.bridges.has(id)) throw new AriHttpError(409, 'Bridge with given id already exists');

    const bridge: FakeBridge = { id, app, channels: [] };
    this.bridges.set(id, bridge);
    this.publish(app, { type: 'BridgeCreated', bridge: this.bridgeJson(bridge) });
    this.changed();
    return bridge;
  }

  addToBridge(bridgeId: string, channelIds: string[]): void {
    const bridge = this.requireBridge(bridgeId);
    const channels = channelIds.map((id) => {
      const channel = this.channels.get(id);
      if (!channel) throw new AriHttpError(400, 'Channel not found');
      if (!channel.inStasis) throw new AriHttpError(422, 'Channel not in Stasis application');
      return channel;
    });

    for (const channel of channels) {
      if (channel.bridgeId === bridge.id) continue;
      if (channel.bridgeId) this.leaveBridge(channel);

      channel.bridgeId = bridge.id;
      bridge.channels.push(channel.id);
      this.publish(bridge.app, {
        type: 'ChannelEnteredBridge',
        bridge: this.bridgeJson(bridge),
        channel: this.channelJson(channel),
      });
    }
    this.changed();
  }

  destroyBridge(bridgeId: string): void {
    const bridge = this.requireBridge(bridgeId);

    for (const channelId of [...bridge.channels]) {
      const channel = this.channels.get(channelId);
      if (channel) this.leaveBridge(channel);
    }
    for (const recording of this.liveRecordings.values()) {
      if (recording.targetUri === `bridge:${bridge.id}`) this.finishRecording(recording.name);
    }

    this.bridges.delete(bridge.id);
    this.publish(bridge.app, { type: 'BridgeDestroyed', bridge: this.bridgeJson(bridge) });
    this.changed();
  }

  record(
    targetUri: string,
    app: string,
    params: { name: string; format: string; ifExists: string },
  ) {
    if (params.format !== 'wav') {
      throw new AriHttpError(422, 'The format specified is unknown on this system');
    }
    const exists = this.liveRecordings.has(params.name) || this.storedRecordings.has(params.name);
    if (exists && params.ifExists !== 'overwrite') {
      throw new AriHttpError(409, 'A recording with the same name already exists on the system');
    }

    const recording: FakeRecording = { ...params, targetUri, app, startedAt: Date.now() };
    this.liveRecordings.set(recording.name, recording);
    this.publish(app, {
      type: 'RecordingStarted',
      recording: this.recordingJson(recording, 'recording'),
    });
    this.changed();
    return recording;
  }

  /** Stops a live recording and stores its audio, as Asterisk does when the target goes away. */
  finishRecording(name: string): StoredRecording {
    const recording = this.liveRecordings.get(name);
    if (!recording) throw new AriHttpError(404, 'Recording not found');

    const json = this.recordingJson(recording, 'done');
    const durationSeconds = typeof json.duration === 'number' ? json.duration : 0;
    const stored: StoredRecording = {
      name,
      format: recording.format,
      audio: makeWav(Math.max(durationSeconds, 1)),
      durationSeconds,
    };

    this.liveRecordings.delete(name);
    this.storedRecordings.set(name, stored);
    this.publish(recording.app, { type: 'RecordingFinished', recording: json });
    this.changed();
    return stored;
  }

  requireChannel(channelId: string, status = 404): FakeChannel {
    const channel = this.channels.get(channelId);
    if (!channel) throw new AriHttpError(status, 'Channel not found');
    return channel;
  }

  requireBridge(bridgeId: string): FakeBridge {
    const bridge = this.bridges.get(bridgeId);
    if (!bridge) throw new AriHttpError(404, 'Bridge not found');
    return bridge;
  }

  private addChannel(fields: Omit<FakeChannel, 'id' | 'creationtime'> & { id?: string }) {
    const channel: FakeChannel = {
      ...fields,
      id: fields.id || `${this.epoch}.${this.nextNumber()}`,
      creationtime: asteriskTime(),
    };
    this.channels.set(channel.id, channel);
    this.changed();
    return channel;
  }

  private leaveBridge(channel: FakeChannel): void {
    const bridge = channel.bridgeId ? this.bridges.get(channel.bridgeId) : undefined;
    channel.bridgeId = undefined;
    if (!bridge) return;

    bridge.channels = bridge.channels.filter((id) => id !== channel.id);
    this.publish(bridge.app, {
      type: 'ChannelLeftBridge',
      bridge: this.bridgeJson(bridge),
      channel: this.channelJson(channel),
    });
  }

  private startStasis(channel: FakeChannel): void {
    this.publish(channel.app, {
      type: 'StasisStart',
      args: channel.args,
      channel: this.channelJson(channel),
    });
  }

  private channelEvent(type: string, channel: FakeChannel, fields: Record<string, unknown> = {}) {
    this.publish(channel.app, { type, ...fields, channel: this.channelJson(channel) });
  }

  private dialEvent(channel: FakeChannel, dialstatus: string): void {
    this.publish(channel.app, {
      type: 'Dial',
      peer: this.channelJson(channel),
      dialstring: channel.endpoint?.split('/').slice(1).join('/') ?? '',
      dialstatus,
    });
  }

  private nextNumber(): number {
    this.counter += 1;
    return this.counter;
  }

  private nextSuffix(): string {
    return this.nextNumber().toString(16).padStart(8, '0');
  }

  private changed(): void {
    this.emit('change');
  }
}

function stasisDialplan(context: string, exten: string, app: string, args: string[]) {
  return {
    context,
    exten,
    priority: 1,
    app_name: 'Stasis',
    app_data: [app, ...args].join(','),
  };
}

/** `"Anna" <101>` or a bare number, as ARI's callerId parameter accepts. */
function parseCallerId(callerId: string): { name: string; number: string } {
  const match = /^\s*"?([^"<]*?)"?\s*<([^>]*)>\s*$/.exec(callerId);
  if (match) return { name: match[1] ?? '', number: match[2] ?? '' };
  return { name: '', number: callerId };
}
