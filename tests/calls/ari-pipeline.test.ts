import { EventEmitter } from 'node:events';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type AriProviderOptions, createAriProvider } from '../../telephony/ari/ari-provider';
import type { TelephonyProvider } from '../../telephony/provider';
import { FakeAriServer } from '../fakes/ari/fake-ari-server';
import { apiClient, createTeam, createUser, login } from '../support/accounts';
import { ConsoleSocket } from '../support/console-socket';
import { startTestServer } from '../support/test-server';
import type { TestServer } from '../support/test-server';

/** Short waits between reconnects, so an outage in a test lasts milliseconds. */
const FAST: AriProviderOptions = {
  initialBackoffMs: 10,
  maxBackoffMs: 50,
  requestTimeoutMs: 1000,
  pingIntervalMs: 0,
};

const COMPANY_NUMBER = '+74950000000';

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** The adapter's pino log, kept as parsed lines that a test can read and wait for. */
class ProviderLog {
  readonly lines: LogLine[] = [];
  readonly logger: Logger;
  private readonly changes = new EventEmitter();

  constructor() {
    const stream = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (line) this.lines.push(JSON.parse(line) as LogLine);
        }
        this.changes.emit('line');
        done();
      },
    });
    this.logger = pino({ level: 'debug' }, stream);
    this.changes.setMaxListeners(0);
  }

  /** Where the log is now, to wait for a line written after this point. */
  mark(): number {
    return this.lines.length;
  }

  /** The first line with this message written at or after `from`. */
  line(msg: string, from = 0, timeoutMs = 5000): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.lines.slice(from).find((line) => line.msg === msg);
        if (!found) return;

        cleanup();
        resolve(found);
      };
      // A guard against a hung test, not a timing assumption.
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`the provider never logged "${msg}"`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.changes.off('line', check);
      };

      this.changes.on('line', check);
      check();
    });
  }
}

/**
 * Hands the adapter to the server unchanged, but tells the test each time the server has finished
 * reconciling its calls after a (re)connect: the moment an outage is over for the CRM.
 */
class ReconcileWatch {
  readonly provider: TelephonyProvider;
  /** How many reconciliations the server has finished. */
  count = 0;
  private readonly changes = new EventEmitter();

  constructor(adapter: TelephonyProvider) {
    const start: TelephonyProvider['start'] = (sinks) =>
      adapter.start({
        ...sinks,
        onReconnect: async (liveCalls) => {
          try {
            await sinks.onReconnect?.(liveCalls);
          } finally {
            this.count += 1;
            this.changes.emit('reconciled');
          }
        },
      });
    this.provider = new Proxy(adapter, {
      get(target, property) {
        if (property === 'start') return start;
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  /** Resolves once the server has finished more than `count` reconciliations. */
  after(count: number, timeoutMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.count <= count) return;

        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`the server never reconciled after reconnect #${count}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.changes.off('reconciled', check);
      };

      this.changes.on('reconciled', check);
      check();
    });
  }
}

/** The real ARI adapter, through the real ari-client, pointed at the fake Asterisk. */
function ariProvider(fake: FakeAriServer, log: ProviderLog, password = 'secret') {
  return createAriProvider(
    { url: fake.url, username: 'crm', password, app: 'crm', logger: log.logger },
    FAST,
  );
}

/** The variables a server on ARI starts with (the provider itself is passed in). */
function ariEnvironment(fake: FakeAriServer): Record<string, string> {
  return {
    TELEPHONY: 'ari',
    ARI_URL: fake.url,
    ARI_USERNAME: 'crm',
    ARI_PASSWORD: 'secret',
    OWN_NUMBERS: '+7 495 000-00-00',
  };
}

function muteSwaggerNotice(): void {
  // swagger-client, inside ari-client, console.logs a notice on every connect because
  // Asterisk's resource listing says Swagger 1.1. It says nothing about the test.
  const log = console.log.bind(console);
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    if (!String(args[0]).includes('deprecated version of Swagger')) log(...args);
  });
}

describe('the call pipeline on Asterisk ARI, through the real ari-client', () => {
  let fake: FakeAriServer;
  let log: ProviderLog;
  let watch: ReconcileWatch;
  let server: TestServer;
  let supervisor: ReturnType<typeof apiClient>;
  let supervisorSocket: ConsoleSocket;
  let teamId: string;
  let extension = 100;
  const sockets: ConsoleSocket[] = [];

  /**
   * A fresh operator of the team with their own phone (`PJSIP/1xx`), signed in, with a console
   * connected; the operators of earlier tests log off, so the call under test can only go to
   * this one.
   */
  async function operator(available = true) {
    await server.testDatabase.db.updateTable('users').set({ status: 'offline' }).execute();
    extension += 1;
    const endpoint = `PJSIP/${extension}`;
    const user = await createUser(server, { role: 'operator', teamId, endpoint });
    const cookie = await login(server, user.email);
    const api = apiClient(server, cookie);
    const console = new ConsoleSocket(server, cookie);
    sockets.push(console);
    await console.connected();
    if (available) {
      expect((await api.put('/api/me/status', { status: 'available' })).status).toBe(200);
    }
    return { user, api, console, cookie, endpoint };
  }

  /** A caller dials the company: returns the caller's channel, the call's id at the provider. */
  function dialIn(from: string): string {
    return fake.startInboundCall({ from, to: COMPANY_NUMBER });
  }

  function cardOf(console: ConsoleSocket, channelId: string) {
    return console.next('call:card', (card) => card.call.providerCallId === channelId);
  }

  /** The caller hangs up and the console hears the end, so no call outlives its test. */
  async function hangUp(console: ConsoleSocket, channelId: string, callId: string) {
    fake.hangup(channelId);
    return console.next('call:ended', (call) => call.id === callId);
  }

  /**
   * Asterisk stops answering (the events socket drops and every reconnect is refused) while
   * `meanwhile` happens on it; resolves once it is back and the server has reconciled.
   */
  async function outage(meanwhile: () => void) {
    const mark = log.mark();
    const reconciled = watch.count;
    await fake.refuseConnections();
    await log.line('ARI connection attempt failed', mark);

    meanwhile();

    await fake.acceptConnections();
    await watch.after(reconciled);
  }

  beforeAll(async () => {
    muteSwaggerNotice();
    fake = new FakeAriServer({ username: 'crm', password: 'secret', app: 'crm' });
    await fake.start();
    log = new ProviderLog();
    watch = new ReconcileWatch(ariProvider(fake, log));
    server = await startTestServer(ariEnvironment(fake), { provider: watch.provider });
    await watch.after(0);

    teamId = (await createTeam(server, 'Sales')).id;
    const boss = await createUser(server, { role: 'supervisor', teamId });
    const cookie = await login(server, boss.email);
    supervisor = apiClient(server, cookie);
    supervisorSocket = new ConsoleSocket(server, cookie);
    await supervisorSocket.connected();
  });

  afterAll(async () => {
    for (const socket of [...sockets, supervisorSocket]) socket?.close();
    await server?.close();
    await fake?.stop();
    vi.restoreAllMocks();
  });

  it('pops a card with +79123456789 and the known customer for a call from 8 (912) 345-67-89', async () => {
    const created = await supervisor.post('/api/customers', {
      name: 'Ivan Petrov',
      company: 'Romashka',
      phones: ['+7 912 345 67 89'],
    });
    expect(created.status).toBe(201);
    const { console, endpoint } = await operator();

    const channelId = dialIn('8 (912) 345-67-89');
    const card = await cardOf(console, channelId);

    expect(card.number.e164).toBe('+79123456789');
    expect(card.call.provider).toBe('ari');
    expect(card.call.from.raw).toBe('8 (912) 345-67-89');
    expect(card.call.from.e164).toBe('+79123456789');
    expect(card.customer?.id).toBe(created.body.id);
    expect(card.customer?.name).toBe('Ivan Petrov');
    const supervised = await cardOf(supervisorSocket, channelId);
    expect(supervised.customer?.name).toBe('Ivan Petrov');

    // The operator's phone rings, showing who is calling.
    const leg = await fake.waitForOrigination(endpoint);
    expect(leg.caller.number).toBe('8 (912) 345-67-89');
    await hangUp(console, channelId, card.call.id);
  });

  it('creates a new customer and a new lead for an unknown caller', async () => {
    const { console, endpoint } = await operator();

    const channelId = dialIn('+7 (903) 111-22-33');
    const card = await cardOf(console, channelId);

    expect(card.customer).not.toBeNull();
    expect(card.customer?.phones[0]?.e164).toBe('+79031112233');
    expect(card.openLeads).toHaveLength(1);
    expect(card.openLeads[0]?.source).toBe('call');
    await fake.waitForOrigination(endpoint);
    await hangUp(console, channelId, card.call.id);
  });

  it('keeps one call when Asterisk delivers the same StasisStart twice', async () => {
    const { console, endpoint } = await operator();
    const channelId = dialIn('+7 903 555 00 01');
    const card = await cardOf(console, channelId);
    await fake.waitForOrigination(endpoint);

    fake.repeatStasisStart(channelId);
    // Events of one call are applied in order, so the end comes after the repeated offer.
    await hangUp(console, channelId, card.call.id);

    const { db } = server.testDatabase;
    const calls = await db
      .selectFrom('calls')
      .select('id')
      .where('provider', '=', 'ari')
      .where('provider_call_id', '=', channelId)
      .execute();
    expect(calls).toEqual([{ id: card.call.id }]);
    const offers = await db
      .selectFrom('call_events')
      .select('type')
      .where('call_id', '=', card.call.id)
      .where('type', '=', 'call.offered')
      .execute();
    expect(offers).toHaveLength(2);
    const moreCards = console
      .received('call:card')
      .filter((payload) => (payload as typeof card).call.providerCallId === channelId);
    expect(moreCards).toEqual([]);
  });

  it('records a caller who hangs up before an answer as missed, with a callback for the team', async () => {
    const { console, api, endpoint } = await operator();
    const channelId = dialIn('+7 903 222 33 44');
    const card = await cardOf(console, channelId);
    const leg = await fake.waitForOrigination(endpoint);
    fake.ring(leg.id);

    const ended = await hangUp(console, channelId, card.call.id);

    expect(ended.missed).toBe(true);
    expect(ended.endCause).toBe('abandoned');
    const callbacks = await supervisor.get('/api/callbacks?scope=team');
    expect(callbacks.body).toContainEqual(
      expect.objectContaining({
        call_id: card.call.id,
        reason: 'missed_call',
        customer_id: card.customer?.id,
      }),
    );
    // The operator's phone stops ringing, and they are free again, owing nothing.
    await fake.waitFor('the operator leg hung up', () => !fake.asterisk.channels.has(leg.id));
    expect((await api.get('/api/me')).body.status).toBe('available');
  });

  it('connects the operator who answers, holds them in wrap-up, and stores the recording', async () => {
    const { console, api, endpoint } = await operator();
    const channelId = dialIn('+7 903 444 55 66');
    const card = await cardOf(console, channelId);
    const leg = await fake.waitForOrigination(endpoint);

    fake.ring(leg.id);
    fake.answer(leg.id);

    const answered = await console.next(
      'call:updated',
      (call) => call.id === card.call.id && call.state === 'answered',
    );
    expect(answered.answeredAt).not.toBeNull();
    expect((await api.get('/api/me')).body.status).toBe('on_call');
    const recording = await fake.waitFor('the conversation being recorded', () =>
      [...fake.asterisk.liveRecordings.values()].find((r) => r.targetUri.startsWith('bridge:')),
    );

    const ended = await hangUp(console, channelId, card.call.id);
    expect(ended).toMatchObject({ missed: false, endCause: 'completed' });
    expect((await api.get('/api/me')).body.status).toBe('wrap_up');

    // The store reports through call:updated once the copy is on disk.
    await console.next(
      'call:updated',
      (call) => call.id === card.call.id && call.state === 'ended',
    );
    const call = await api.get(`/api/calls/${card.call.id}`);
    expect(call.body.recordings).toHaveLength(1);
    const [stored] = call.body.recordings;
    expect(stored).toMatchObject({
      status: 'stored',
      provider: 'ari',
      provider_recording_id: recording.name,
      format: 'wav',
    });
    const file = path.join(server.config.dataDir, 'recordings', stored.path);
    const audio = await fs.readFile(file);
    const original = fake.asterisk.storedRecordings.get(recording.name)?.audio;
    expect(audio.equals(original ?? Buffer.alloc(0))).toBe(true);
    expect(audio.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(Number(stored.bytes)).toBe(audio.length);
  });

  it('after the ARI socket drops, closes a call that ended meanwhile as missed, with a callback', async () => {
    const { console, api, endpoint } = await operator();
    const channelId = dialIn('+7 903 777 88 99');
    const card = await cardOf(console, channelId);
    const leg = await fake.waitForOrigination(endpoint);

    await outage(() => fake.hangup(channelId));

    const call = await supervisor.get(`/api/calls/${card.call.id}`);
    expect(call.body).toMatchObject({ state: 'ended', missed: true, end_cause: 'lost' });
    const ended = await console.next('call:ended', (summary) => summary.id === card.call.id);
    expect(ended).toMatchObject({ state: 'ended', missed: true, endCause: 'lost' });
    const callbacks = await supervisor.get('/api/callbacks?scope=team');
    expect(callbacks.body).toContainEqual(
      expect.objectContaining({ call_id: card.call.id, reason: 'missed_call' }),
    );
    await fake.waitFor('the operator leg hung up', () => !fake.asterisk.channels.has(leg.id));
    expect((await api.get('/api/me')).body.status).toBe('available');
  });

  it('after the ARI socket drops, picks up a call the operator answered meanwhile', async () => {
    const { console, api, endpoint } = await operator();
    const channelId = dialIn('+7 903 777 00 11');
    const card = await cardOf(console, channelId);
    const leg = await fake.waitForOrigination(endpoint);
    fake.ring(leg.id);

    await outage(() => fake.answer(leg.id));

    const call = await supervisor.get(`/api/calls/${card.call.id}`);
    expect(call.body.state).toBe('answered');
    await console.next(
      'call:updated',
      (summary) => summary.id === card.call.id && summary.state === 'answered',
    );
    expect((await api.get('/api/me')).body.status).toBe('on_call');
    await fake.waitFor('the caller and the operator bridged', () =>
      [...fake.asterisk.bridges.values()].some(
        (bridge) => bridge.channels.includes(channelId) && bridge.channels.includes(leg.id),
      ),
    );

    const ended = await hangUp(console, channelId, card.call.id);
    expect(ended).toMatchObject({ missed: false, endCause: 'completed' });
    expect((await api.get('/api/me')).body.status).toBe('wrap_up');
  });

  it('keeps a conversation going when the ARI socket drops and comes straight back', async () => {
    const { console, api, endpoint } = await operator();
    const channelId = dialIn('+7 903 777 33 44');
    const card = await cardOf(console, channelId);
    const leg = await fake.waitForOrigination(endpoint);
    fake.answer(leg.id);
    await console.next(
      'call:updated',
      (call) => call.id === card.call.id && call.state === 'answered',
    );
    const reconciled = watch.count;

    fake.dropSocket();
    await watch.after(reconciled);

    const call = await supervisor.get(`/api/calls/${card.call.id}`);
    expect(call.body).toMatchObject({ state: 'answered', ended_at: null });
    expect((await api.get('/api/me')).body.status).toBe('on_call');
    const ended = await hangUp(console, channelId, card.call.id);
    expect(ended).toMatchObject({ missed: false, endCause: 'completed' });
  });

  it('pops a call that came in while the ARI socket was down, once it is back', async () => {
    const { console, endpoint } = await operator();
    let channelId = '';

    await outage(() => {
      channelId = dialIn('+7 903 777 22 33');
    });

    const card = await cardOf(console, channelId);
    expect(card.number.e164).toBe('+79037772233');
    await fake.waitForOrigination(endpoint);
    await fake.waitFor(
      'the caller answered',
      () => fake.asterisk.channels.get(channelId)?.state === 'Up',
    );
    await hangUp(console, channelId, card.call.id);
  });

  it('logs and ignores an event type the api-docs do not declare, and goes on', async () => {
    const { console, endpoint } = await operator();
    const mark = log.mark();
    const socketsBefore = fake.socketsAccepted;

    fake.sendUnknownEvent('ChannelTransfer');
    const channelId = dialIn('+7 903 888 99 00');

    const card = await cardOf(console, channelId);
    expect(card.number.e164).toBe('+79038889900');
    const ignored = await log.line('ignored an ARI event type the api-docs do not declare', mark);
    expect(ignored.type).toBe('ChannelTransfer');
    expect(fake.socketsAccepted).toBe(socketsBefore);
    await fake.waitForOrigination(endpoint);
    await hangUp(console, channelId, card.call.id);
  });

  it('sends the ringing card again to an operator whose console reconnects', async () => {
    const { console, cookie, endpoint } = await operator();
    const channelId = dialIn('+7 903 555 66 77');
    const first = await cardOf(console, channelId);
    await fake.waitForOrigination(endpoint);

    console.close();
    const again = new ConsoleSocket(server, cookie);
    sockets.push(again);

    const card = await cardOf(again, channelId);
    expect(card.call.id).toBe(first.call.id);
    expect(card.call.state).toBe('ringing');
    expect(card.number.e164).toBe('+79035556677');
    await hangUp(again, channelId, card.call.id);
  });

  it('queues a caller when nobody is available and rings the first operator who becomes free', async () => {
    const { console, api, endpoint } = await operator(false);

    const channelId = dialIn('+7 903 666 77 88');
    const queuedCard = await cardOf(supervisorSocket, channelId);
    expect(queuedCard.call.state).toBe('queued');
    const queued = await supervisor.get(`/api/calls/${queuedCard.call.id}`);
    expect(queued.body.state).toBe('queued');

    expect((await api.put('/api/me/status', { status: 'available' })).status).toBe(200);

    const card = await cardOf(console, channelId);
    expect(card.call.id).toBe(queuedCard.call.id);
    expect(card.call.state).toBe('ringing');
    const leg = await fake.waitForOrigination(endpoint);
    expect(leg.caller.number).toBe('+7 903 666 77 88');
    await hangUp(console, channelId, card.call.id);
  });
  it('keeps an operator available while Asterisk is unreachable and rings them once it is back', async () => {
    const { console, api, endpoint } = await operator(false);
    const channelId = dialIn('+7 903 777 88 99');
    const queuedCard = await cardOf(supervisorSocket, channelId);
    const callId = queuedCard.call.id;

    const mark = log.mark();
    const reconciled = watch.count;
    await fake.refuseConnections();
    await log.line('ARI connection attempt failed', mark);
    expect((await api.put('/api/me/status', { status: 'available' })).status).toBe(200);

    // Rung, but Asterisk cannot be told: the caller waits queued again, the operator stays free.
    await cardOf(console, channelId);
    await console.next('call:updated', (call) => call.id === callId && call.state === 'queued');
    expect((await api.get('/api/me')).body.status).toBe('available');

    await fake.acceptConnections();
    await watch.after(reconciled);
    const card = await cardOf(console, channelId);
    expect(card.call.state).toBe('ringing');
    expect(card.call.operatorId).toBe((await api.get('/api/me')).body.id);
    await fake.waitForOrigination(endpoint);
    await hangUp(console, channelId, callId);
  });
});

describe('a server on ARI whose credentials Asterisk refuses', () => {
  let fake: FakeAriServer;
  let log: ProviderLog;
  let server: TestServer;

  beforeEach(async () => {
    muteSwaggerNotice();
    fake = new FakeAriServer({ username: 'crm', password: 'rotated', app: 'crm' });
    await fake.start();
    log = new ProviderLog();
  });

  afterEach(async () => {
    await server?.close();
    await fake.stop();
    vi.restoreAllMocks();
  });

  it('stays up, shows the refusal in /api/health, and connects once they are accepted', async () => {
    const watch = new ReconcileWatch(ariProvider(fake, log));
    server = await startTestServer(ariEnvironment(fake), { provider: watch.provider });
    const api = apiClient(server);
    await fake.waitFor('two refused attempts', () =>
      fake.requests.filter((request) => request.status === 401).length >= 2 ? true : undefined,
    );

    const refused = await api.get('/api/health');
    expect(refused.status).toBe(200);
    expect(refused.body.telephony).toMatchObject({
      provider: 'ari',
      connected: false,
      error: 'Asterisk refused the ARI username or password.',
    });

    fake.setCredentials('crm', 'secret');
    await watch.after(0);

    const recovered = await api.get('/api/health');
    expect(recovered.body.telephony).toMatchObject({ provider: 'ari', connected: true });
    expect(recovered.body.telephony.error).toBeUndefined();
  });
});

describe('click-to-dial on a server configured for ARI', () => {
  let fake: FakeAriServer;
  let server: TestServer;

  beforeAll(async () => {
    muteSwaggerNotice();
    fake = new FakeAriServer({ username: 'crm', password: 'secret', app: 'crm' });
    await fake.start();
    // No provider passed in: the server builds its own from the configuration.
    server = await startTestServer({
      ...ariEnvironment(fake),
      ARI_CUSTOMER_ENDPOINT: 'PJSIP/{number}@carrier',
      ARI_OUTBOUND_CALLER_ID: '"Romashka" <+74950000000>',
    });
    await fake.waitForEventSocket();
  });

  afterAll(async () => {
    await server?.close();
    await fake?.stop();
    vi.restoreAllMocks();
  });

  it('rings the operator, then dials the customer through the configured trunk and caller id', async () => {
    const teamId = (await createTeam(server)).id;
    const user = await createUser(server, { role: 'operator', teamId, endpoint: 'PJSIP/201' });
    const cookie = await login(server, user.email);
    const console = new ConsoleSocket(server, cookie);
    await console.connected();

    try {
      const placed = await apiClient(server, cookie).post('/api/calls/originate', {
        number: '8 (903) 123-45-67',
      });
      expect(placed.status).toBe(201);
      const operatorLeg = await fake.waitForOrigination('PJSIP/201');
      fake.answer(operatorLeg.id);

      const customerLeg = await fake.waitForOrigination('PJSIP/+79031234567@carrier');
      expect(customerLeg.caller).toEqual({ name: 'Romashka', number: '+74950000000' });
      fake.answer(customerLeg.id);

      await console.next(
        'call:updated',
        (call) => call.id === placed.body.id && call.state === 'answered',
      );
      fake.hangup(customerLeg.id);
      const ended = await console.next('call:ended', (call) => call.id === placed.body.id);
      expect(ended).toMatchObject({ direction: 'outbound', endCause: 'completed' });
    } finally {
      console.close();
    }
  });
});
