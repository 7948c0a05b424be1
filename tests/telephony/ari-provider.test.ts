import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { unansweredReason } from '../../telephony/ari/ari-cause';
import { type AriProviderOptions, createAriProvider } from '../../telephony/ari/ari-provider';
import type { LiveCall, TelephonyEvent, TelephonyProvider } from '../../telephony/provider';
import { TelephonyError } from '../../telephony/telephony-error';
import { FakeAriServer } from '../fakes/ari/fake-ari-server';
import { waitForChange } from '../support/wait-for-change';

type EventOf<T extends TelephonyEvent['type']> = Extract<TelephonyEvent, { type: T }>;

/** What the server would receive: every event and every reconnect list, with a way to wait. */
class ServerSide {
  readonly events: TelephonyEvent[] = [];
  readonly reconnects: LiveCall[][] = [];
  private readonly changes = new EventEmitter();

  /** Something else the test waits on changed (a log line). */
  notify = () => {
    this.changes.emit('change');
  };

  onEvent = async (event: TelephonyEvent) => {
    this.events.push(event);
    this.changes.emit('change');
  };

  onReconnect = async (liveCalls: LiveCall[]) => {
    this.reconnects.push(liveCalls);
    this.changes.emit('change');
  };

  all<T extends TelephonyEvent['type']>(type: T, providerCallId?: string): EventOf<T>[] {
    return this.events.filter(
      (event): event is EventOf<T> =>
        event.type === type && (!providerCallId || event.providerCallId === providerCallId),
    );
  }

  event<T extends TelephonyEvent['type']>(type: T, providerCallId?: string): Promise<EventOf<T>> {
    return this.waitFor(`${type} ${providerCallId ?? ''}`, () => this.all(type, providerCallId)[0]);
  }

  /** The first reconnect list after the `count` already seen. */
  reconnect(count: number): Promise<LiveCall[]> {
    return this.waitFor(`reconnect #${count + 1}`, () => this.reconnects[count]);
  }

  waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
    return waitForChange(this.changes, what, check, timeoutMs);
  }
}

/** A pino logger whose lines the test can read, and wait for through `onLine`. */
function capturedLogger(onLine: () => void) {
  const lines: { level: number; msg: string; type?: string; [key: string]: unknown }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
      onLine();
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

const FAST: AriProviderOptions = {
  initialBackoffMs: 10,
  maxBackoffMs: 50,
  requestTimeoutMs: 1000,
  pingIntervalMs: 0,
};

describe('the ARI provider, through the real ari-client, against a fake Asterisk', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  let fake: FakeAriServer;
  let provider: TelephonyProvider | undefined;
  let server: ServerSide;
  let logs: ReturnType<typeof capturedLogger>;

  beforeAll(() => {
    process.on('unhandledRejection', onUnhandled);

    // swagger-client, inside ari-client, console.logs a notice on every connect because
    // Asterisk's resource listing says Swagger 1.1. It says nothing about the test.
    const log = console.log.bind(console);
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      if (!String(args[0]).includes('deprecated version of Swagger')) log(...args);
    });
  });

  afterAll(() => {
    process.off('unhandledRejection', onUnhandled);
    vi.restoreAllMocks();
  });

  beforeEach(async () => {
    fake = new FakeAriServer({ username: 'crm', password: 'secret', app: 'crm' });
    await fake.start();
    server = new ServerSide();
    logs = capturedLogger(server.notify);
    unhandled.length = 0;
  });

  afterEach(async () => {
    await provider?.stop();
    provider = undefined;
    await fake.stop();
    expect(unhandled).toEqual([]);
  });

  async function startProvider(
    options: { password?: string; wait?: boolean } & AriProviderOptions = {},
  ): Promise<TelephonyProvider> {
    const { password = 'secret', wait = true, ...tuning } = options;
    const started = createAriProvider(
      { url: fake.url, username: 'crm', password, app: 'crm', logger: logs.logger },
      { ...FAST, ...tuning },
    );
    provider = started;
    await started.start({ onEvent: server.onEvent, onReconnect: server.onReconnect });
    if (wait) await server.reconnect(0);
    return started;
  }

  async function offeredCall(from = '+442071234567', to = '100'): Promise<string> {
    const callId = fake.startInboundCall({ from, to });
    await server.event('call.offered', callId);
    return callId;
  }

  /** An inbound call connected to an operator who answered; returns both channel ids. */
  async function talkingCall(active: TelephonyProvider) {
    const callId = await offeredCall();
    await active.connect(callId, 'PJSIP/anna');
    const operator = await fake.waitForOrigination('PJSIP/anna');
    fake.ring(operator.id);
    fake.answer(operator.id);
    await server.event('call.answered', callId);
    const recording = await fake.waitFor('the call being recorded', () =>
      [...fake.asterisk.liveRecordings.values()].find((r) => r.targetUri.startsWith('bridge:')),
    );
    return { callId, operatorId: operator.id, recordingName: recording.name };
  }

  it('offers an inbound call with the caller and dialled numbers, and answers it', async () => {
    await startProvider();

    const callId = fake.startInboundCall({ from: '+442071234567', to: '100' });
    const offered = await server.event('call.offered', callId);

    expect(offered).toMatchObject({ direction: 'inbound', from: '+442071234567', to: '100' });
    await fake.waitFor(
      'the caller answered',
      () => fake.asterisk.channels.get(callId)?.state === 'Up',
    );
    expect(fake.requests).toContainEqual(
      expect.objectContaining({
        method: 'POST',
        path: `/ari/channels/${callId}/answer`,
        status: 204,
      }),
    );
  });

  it('passes a repeated StasisStart on to the server and keeps working', async () => {
    await startProvider();
    const callId = await offeredCall();
    await fake.waitFor(
      'the caller answered',
      () => fake.asterisk.channels.get(callId)?.state === 'Up',
    );

    fake.repeatStasisStart(callId);
    await server.waitFor('a second offer', () => server.all('call.offered', callId).length === 2);
    fake.hangup(callId);

    await server.event('call.ended', callId);
    expect(server.all('call.ended', callId)).toHaveLength(1);
    const answers = fake.requests.filter((r) => r.path === `/ari/channels/${callId}/answer`);
    expect(answers).toHaveLength(1);
  });

  it('reports a caller who hangs up before an answer as abandoned, with the cause', async () => {
    await startProvider();
    const callId = await offeredCall();

    fake.hangup(callId, 16);

    expect(await server.event('call.ended', callId)).toMatchObject({
      cause: 'abandoned',
      providerCause: '16 Normal Clearing',
    });
  });

  it('connects a call to an operator: ringing, answered, bridged and recorded', async () => {
    const active = await startProvider();
    const callId = await offeredCall('+442071234567');

    await active.connect(callId, 'PJSIP/anna');
    expect(await server.event('call.ringing', callId)).toMatchObject({ endpoint: 'PJSIP/anna' });
    const operator = await fake.waitForOrigination('PJSIP/anna');
    expect(operator.args).toEqual(['crm-leg', 'operator', callId]);
    expect(operator.caller.number).toBe('+442071234567');

    fake.ring(operator.id);
    fake.answer(operator.id);

    expect(await server.event('call.answered', callId)).toMatchObject({ endpoint: 'PJSIP/anna' });
    const bridge = await fake.waitFor('both parties bridged', () =>
      [...fake.asterisk.bridges.values()].find((b) => b.channels.length === 2),
    );
    expect(bridge.channels.sort()).toEqual([callId, operator.id].sort());
    const recording = await fake.waitFor('the recording', () =>
      [...fake.asterisk.liveRecordings.values()].find((r) => r.targetUri === `bridge:${bridge.id}`),
    );
    expect(recording.format).toBe('wav');
    expect(server.all('call.offered')).toHaveLength(1);
  });

  it('ends a talking call as completed, then reports and fetches its WAV recording', async () => {
    const active = await startProvider();
    const { callId, operatorId, recordingName } = await talkingCall(active);

    fake.hangup(callId);

    expect(await server.event('call.ended', callId)).toMatchObject({ cause: 'completed' });
    const ready = await server.event('recording.ready', callId);
    expect(ready).toMatchObject({ recordingId: recordingName, format: 'wav' });
    await fake.waitFor('the operator hung up', () => !fake.asterisk.channels.has(operatorId));
    expect(fake.asterisk.bridges.size).toBe(0);

    const audio = await read(await active.fetchRecording(ready.recordingId));
    expect(
      audio.equals(fake.asterisk.storedRecordings.get(recordingName)?.audio ?? Buffer.alloc(0)),
    ).toBe(true);
    expect(audio.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(audio.subarray(8, 12).toString('ascii')).toBe('WAVE');
  });

  it('starts and stops a recording on request when calls are not recorded by default', async () => {
    const active = await startProvider({ recordCalls: false });
    const callId = await offeredCall();
    await active.connect(callId, 'PJSIP/anna');
    fake.answer((await fake.waitForOrigination('PJSIP/anna')).id);
    await server.event('call.answered', callId);
    expect(fake.requests.some((r) => r.path.endsWith('/record'))).toBe(false);

    await active.startRecording?.(callId);
    const recording = await fake.waitFor(
      'a recording',
      () => [...fake.asterisk.liveRecordings.values()][0],
    );
    await active.stopRecording?.(callId);

    expect(await server.event('recording.ready', callId)).toMatchObject({
      recordingId: recording.name,
    });
    expect(fake.asterisk.channels.has(callId)).toBe(true);
  });

  it.each([
    ['no_answer', 'no_answer'],
    ['busy', 'busy'],
    ['unavailable', 'failed'],
  ] as const)(
    'reports an operator leg that ends %s as unanswered (%s) and keeps the caller',
    async (failure, reason) => {
      const active = await startProvider();
      const callId = await offeredCall();
      await active.connect(callId, 'PJSIP/anna');
      const first = await fake.waitForOrigination('PJSIP/anna');

      fake.failOrigination(first.id, failure);

      expect(await server.event('operator.unanswered', callId)).toMatchObject({
        endpoint: 'PJSIP/anna',
        reason,
      });
      expect(server.all('call.ended', callId)).toEqual([]);
      expect(fake.asterisk.channels.has(callId)).toBe(true);

      await active.connect(callId, 'PJSIP/boris');
      fake.answer((await fake.waitForOrigination('PJSIP/boris')).id);
      expect(await server.event('call.answered', callId)).toMatchObject({
        endpoint: 'PJSIP/boris',
      });
    },
  );

  it('hangs up a ringing operator when the caller gives up: the call is abandoned', async () => {
    const active = await startProvider();
    const callId = await offeredCall();
    await active.connect(callId, 'PJSIP/anna');
    const operator = await fake.waitForOrigination('PJSIP/anna');

    fake.hangup(callId);

    expect(await server.event('call.ended', callId)).toMatchObject({ cause: 'abandoned' });
    await fake.waitFor('the operator leg gone', () => !fake.asterisk.channels.has(operator.id));
    expect(server.all('operator.unanswered', callId)).toEqual([]);
  });

  it('places an outbound call: the operator first, then the customer', async () => {
    const active = await startProvider();

    const { providerCallId } = await active.originate({
      endpoint: 'PJSIP/anna',
      to: '+442079460000',
    });
    const operator = await fake.waitForOrigination('PJSIP/anna');
    fake.answer(operator.id);
    const customer = await fake.waitForOrigination('PJSIP/+442079460000@trunk');
    expect(customer.id).toBe(providerCallId);
    fake.answer(customer.id);

    expect(await server.event('call.answered', providerCallId)).toMatchObject({
      endpoint: 'PJSIP/anna',
    });
    fake.hangup(operator.id);
    expect(await server.event('call.ended', providerCallId)).toMatchObject({ cause: 'completed' });
    expect(server.all('call.offered')).toEqual([]);
  });

  it('lets a supervisor listen through a snoop channel, and cleans up after', async () => {
    const active = await startProvider();
    const { callId, operatorId } = await talkingCall(active);

    await active.snoop?.(callId, 'PJSIP/sam', 'listen');
    const snoop = await fake.waitFor('a snoop channel', () =>
      [...fake.asterisk.channels.values()].find((c) => c.kind === 'snoop'),
    );
    expect(snoop.snoop).toEqual({ target: operatorId, spy: 'both', whisper: 'none' });
    const supervisor = await fake.waitForOrigination('PJSIP/sam');
    fake.answer(supervisor.id);
    await fake.waitFor('the supervisor listening', () =>
      [...fake.asterisk.bridges.values()].some(
        (b) => b.channels.includes(snoop.id) && b.channels.includes(supervisor.id),
      ),
    );

    fake.hangup(supervisor.id);

    await fake.waitFor('the supervisor bridge closed', () => fake.asterisk.bridges.size === 1);
    expect(fake.asterisk.channels.has(snoop.id)).toBe(false);
    expect([...fake.asterisk.bridges.values()][0]?.channels.sort()).toEqual(
      [callId, operatorId].sort(),
    );
  });

  it('lists the call still up after the socket drops mid-call, and goes on', async () => {
    const active = await startProvider();
    const { callId } = await talkingCall(active);

    fake.dropSocket();

    const liveCalls = await server.reconnect(1);
    expect(liveCalls).toEqual([{ providerCallId: callId, state: 'up' }]);
    expect(active.status().connected).toBe(true);
    expect(fake.socketsAccepted).toBe(2);

    fake.hangup(callId);
    expect(await server.event('call.ended', callId)).toMatchObject({ cause: 'completed' });
  });

  it('after an outage, lists the calls still up and offers one that came meanwhile', async () => {
    await startProvider();
    const ended = await offeredCall('+441111111111');
    const waiting = await offeredCall('+442222222222');

    await fake.refuseConnections();
    await server.waitFor(
      'the provider seeing the loss',
      () => provider?.status().connected === false,
    );
    fake.hangup(ended);
    const arrived = fake.startInboundCall({ from: '+443333333333', to: '100' });
    await server.waitFor(
      'a few refused attempts',
      () => logs.lines.filter((l) => l.msg === 'ARI connection attempt failed').length >= 2,
    );
    expect(provider?.status().error).toMatch(/unreachable/);
    await fake.acceptConnections();

    const liveCalls = await server.reconnect(1);
    expect(liveCalls).toContainEqual({ providerCallId: waiting, state: 'ringing' });
    expect(liveCalls).toContainEqual({ providerCallId: arrived, state: 'ringing' });
    expect(liveCalls.map((call) => call.providerCallId)).not.toContain(ended);
    expect(await server.event('call.offered', arrived)).toMatchObject({ from: '+443333333333' });
    expect(server.all('call.ended', ended)).toEqual([]);
  });

  it('connects an operator who answered while the socket was down, once it is back', async () => {
    const active = await startProvider();
    const callId = await offeredCall();
    await active.connect(callId, 'PJSIP/anna');
    const operator = await fake.waitForOrigination('PJSIP/anna');

    await fake.refuseConnections();
    fake.answer(operator.id);
    await fake.acceptConnections();

    expect(await server.reconnect(1)).toEqual([{ providerCallId: callId, state: 'up' }]);
    expect(await server.event('call.answered', callId)).toMatchObject({ endpoint: 'PJSIP/anna' });
    await fake.waitFor('both parties bridged', () =>
      [...fake.asterisk.bridges.values()].some((b) => b.channels.includes(operator.id)),
    );
  });

  it('keeps retrying refused credentials, shows why, and connects once accepted', async () => {
    fake.setCredentials('crm', 'rotated');
    const active = await startProvider({ wait: false });

    await fake.waitFor('three refused attempts', () =>
      fake.requests.filter((r) => r.status === 401).length >= 3 ? true : undefined,
    );
    const status = active.status();
    expect(status).toMatchObject({ provider: 'ari', connected: false });
    expect(status.error).toBe('Asterisk refused the ARI username or password.');
    expect(server.reconnects).toEqual([]);

    fake.setCredentials('crm', 'secret');
    await server.reconnect(0);
    expect(active.status()).toMatchObject({ connected: true });
    expect(active.status().error).toBeUndefined();
  });

  it('keeps retrying, not crashing, while a resource declaration is missing', async () => {
    fake.breakApiDocs('recordings');
    const active = await startProvider({ wait: false });

    await fake.waitFor('three failed loads', () =>
      fake.requests.filter((r) => r.path === '/ari/api-docs/recordings.json' && r.status === 404)
        .length >= 3
        ? true
        : undefined,
    );
    expect(active.status().error).toMatch(/recordings; is its res_ari module loaded/);

    fake.repairApiDocs();
    await server.reconnect(0);
    expect(active.status().connected).toBe(true);
  });

  it('ignores an event type the api-docs do not declare, and a non-JSON message', async () => {
    await startProvider();

    fake.sendUnknownEvent('ChannelTransfer');
    fake.sendRawEvent('this is not JSON');
    const callId = await offeredCall();

    expect(server.all('call.offered', callId)).toHaveLength(1);
    expect(fake.socketsAccepted).toBe(1);
    expect(logs.lines).toContainEqual(
      expect.objectContaining({
        type: 'ChannelTransfer',
        msg: 'ignored an ARI event type the api-docs do not declare',
      }),
    );
    expect(logs.lines).toContainEqual(
      expect.objectContaining({ msg: 'ignored an ARI message that is not a JSON event' }),
    );
  });

  it('fails a command Asterisk answers too slowly with a temporary error', async () => {
    const active = await startProvider({ requestTimeoutMs: 100 });
    const callId = await offeredCall();
    await fake.waitFor(
      'the caller answered',
      () => fake.asterisk.channels.get(callId)?.state === 'Up',
    );

    fake.setRestDelay(1000);

    const failure = await active.connect(callId, 'PJSIP/anna').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TelephonyError);
    expect(failure).toMatchObject({ code: 'ARI_TIMEOUT', temporary: true });
  });

  it('refuses commands on a call that is over with a permanent error', async () => {
    const active = await startProvider();
    const callId = await offeredCall();
    fake.hangup(callId);
    await server.event('call.ended', callId);

    await expect(active.connect(callId, 'PJSIP/anna')).rejects.toMatchObject({
      code: 'ARI_CALL_GONE',
      temporary: false,
    });
    await expect(active.hangup(callId)).resolves.toBeUndefined();
  });

  it('drops an events socket whose pings go unanswered, and reconnects', async () => {
    await startProvider({ pingIntervalMs: 30 });

    fake.stopAnsweringPings();

    await server.reconnect(1);
    expect(fake.socketsAccepted).toBe(2);
    expect(logs.lines).toContainEqual(
      expect.objectContaining({
        msg: 'Asterisk did not answer a ping; dropping the events socket',
      }),
    );
  });

  it('steps back, and says why, when another connection takes over the application', async () => {
    const first = await startProvider();
    const second = createAriProvider(
      { url: fake.url, username: 'crm', password: 'secret', app: 'crm', logger: logs.logger },
      FAST,
    );
    const secondServer = new ServerSide();

    try {
      await second.start({ onEvent: secondServer.onEvent, onReconnect: secondServer.onReconnect });
      await secondServer.reconnect(0);
      await server.waitFor('the first provider stepping back', () =>
        logs.lines.some((line) => line.msg === 'another ARI connection took over the application'),
      );

      expect(first.status()).toMatchObject({
        connected: false,
        error: 'Another connection took over the ARI application "crm".',
      });
      const callId = fake.startInboundCall({ from: '+441111111111', to: '100' });
      await secondServer.event('call.offered', callId);
      expect(server.all('call.offered')).toEqual([]);
    } finally {
      await second.stop();
    }
  });

  it('stops retrying and says it is disconnected once stopped', async () => {
    const active = await startProvider();

    await active.stop();

    expect(active.status()).toMatchObject({ connected: false });
    await fake.waitFor('the socket closed', () => fake.openEventSockets === 0);
  });
});

describe('unansweredReason', () => {
  it.each([
    [17, 'busy'],
    [21, 'declined'],
    [19, 'no_answer'],
    [18, 'no_answer'],
    [16, 'no_answer'],
    [1, 'failed'],
    [34, 'failed'],
  ] as const)('reads Q.850 cause %i as %s', (cause, reason) => {
    expect(unansweredReason(cause)).toBe(reason);
  });
});

async function read(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}
