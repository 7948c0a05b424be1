import crypto from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { Worker } from 'node:worker_threads';
import type { ConnectedDatabase } from '../db/connect';
import { findCustomerIdByPhone } from '../db/queries/customers';
import { insertSession } from '../db/queries/sessions';
import { insertTeam } from '../db/queries/teams';
import { sessionIdOf, SESSION_COOKIE } from '../server/auth/session-token';
import { hashPassword } from '../server/auth/passwords';
import type { CallCard } from '../server/calls/call-card';
import { userRoom } from '../server/realtime/events';
import type { RunningServer } from '../server/server';
import { BENCH_SESSION_SECRET, envInt, startBenchServer, withBenchDatabase } from './bench-harness';
import { epochNow } from './console-clients';
import type { ClientsData, ClientsMessage } from './console-clients';
import { percentiles, timingTable } from './stats';
import type { Percentiles } from './stats';

export interface ScreenPopFigures {
  operators: number;
  callsPerSecond: number;
  calls: number;
  screenPop: Percentiles;
  bareEmit: Percentiles;
  bareLookup: Percentiles;
  lifecycles: { completed: number; seconds: number; perSecond: number; lost: number };
  rssMiB: number;
}

/**
 * Screen-pop latency: from the simulated provider's event entering the adapter to `call:card`
 * arriving at a real socket.io-client, at BENCH_CPS new calls a second (100) with
 * BENCH_OPERATORS consoles connected (500); beside a bare Socket.IO emit and a bare indexed
 * phone lookup measured in the same run. Then the sustained rate of whole call lifecycles.
 */
export async function benchScreenPop(): Promise<ScreenPopFigures> {
  return withBenchDatabase((database, folder) => measure(database, folder), 20);
}

async function measure(database: ConnectedDatabase, folder: string): Promise<ScreenPopFigures> {
  const operators = envInt('BENCH_OPERATORS', 500);
  const callsPerSecond = envInt('BENCH_CPS', 100);
  const calls = envInt('BENCH_CALLS', 2000);
  const { db } = database;
  if (process.env.BENCH_ASYNC_COMMIT === '1') {
    // For comparison only: commits stop waiting for the WAL flush (the disk's fsync).
    await sql`ALTER SYSTEM SET synchronous_commit = off`.execute(db);
    await sql`SELECT pg_reload_conf()`.execute(db);
  }

  const server = await startBenchServer(database, path.join(folder, 'app'));
  const team = await insertTeam(db, 'Bench');
  await seedCustomers(database, team.id);
  const operatorIds = await createOperators(database, team.id, operators);
  const consoles = await ConsoleClients.start(
    server.url,
    await sessionCookies(database, operatorIds),
  );
  console.log(
    `${operators} operator consoles connected (in a worker thread); ${callsPerSecond} new calls a second`,
  );

  try {
    const bareLookup = await measureLookup(database);
    const bareEmit = await measureBareEmit(server, consoles, operatorIds[0] ?? '');
    const screenPop = await measurePops(server, consoles, callsPerSecond, calls);
    const lifecycles = await measureLifecycles(
      server,
      Math.min(50, Math.floor(operators / 2)),
      envInt('BENCH_LIFECYCLE_SECONDS', 10),
    );
    const rssMiB = Math.round(process.memoryUsage().rss / 2 ** 20);

    console.log(
      timingTable([
        ['screen pop (event → call:card)', screenPop],
        ['bare Socket.IO emit', bareEmit],
        ['bare indexed phone lookup', bareLookup],
      ]),
    );
    const goal = 3 * (bareEmit.p50 + bareLookup.p50);
    console.log(
      `screen pop p50 ${screenPop.p50.toFixed(2)} ms vs 3 × (emit + lookup) = ${goal.toFixed(2)} ms;` +
        ` p99 ${screenPop.p99.toFixed(2)} ms (goal < 15 ms)`,
    );
    console.log(
      `call lifecycles (ring, assign, answer, end, outcome): ${lifecycles.completed} in ` +
        `${lifecycles.seconds.toFixed(1)} s = ${lifecycles.perSecond.toFixed(0)}/s, lost ${lifecycles.lost}`,
    );
    console.log(`server process RSS with ${operators} consoles connected: ${rssMiB} MiB`);
    return {
      operators,
      callsPerSecond,
      calls,
      screenPop,
      bareEmit,
      bareLookup,
      lifecycles,
      rssMiB,
    };
  } finally {
    await consoles.close();
    await server.close();
  }
}

/** The operator consoles, living in a worker thread; cards arrive as timestamped messages. */
class ConsoleClients {
  private readonly listeners = new Set<(message: ClientsMessage) => void>();

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: ClientsMessage) => {
      for (const listener of this.listeners) listener(message);
    });
  }

  static async start(url: string, cookies: string[]): Promise<ConsoleClients> {
    const worker = new Worker(new URL('./console-clients-worker.mjs', import.meta.url), {
      workerData: { url, cookies } satisfies ClientsData,
    });
    const clients = new ConsoleClients(worker);
    await clients.next((message) => message.kind === 'ready');
    return clients;
  }

  on(listener: (message: ClientsMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  next(match: (message: ClientsMessage) => boolean): Promise<ClientsMessage> {
    return new Promise((resolve) => {
      const off = this.on((message) => {
        if (!match(message)) return;
        off();
        resolve(message);
      });
    });
  }

  async close(): Promise<void> {
    const closed = this.next((message) => message.kind === 'closed');
    this.worker.postMessage('close');
    await closed;
    await this.worker.terminate();
  }
}

async function seedCustomers(database: ConnectedDatabase, teamId: string): Promise<void> {
  // Ten thousand customers with +7 916 numbers, so most bench callers are known.
  await sql`
    WITH made AS (
      INSERT INTO customers (name, team_id)
      SELECT 'Customer ' || n, ${teamId}::uuid FROM generate_series(1, 10000) AS n
      RETURNING id, name
    )
    INSERT INTO customer_phones (customer_id, raw, e164, digits, valid, kind)
    SELECT id, '+7916' || lpad(substr(name, 10), 7, '0'), '+7916' || lpad(substr(name, 10), 7, '0'),
           '7916' || lpad(substr(name, 10), 7, '0'), true, 'mobile'
      FROM made
  `.execute(database.db);
  await sql`ANALYZE`.execute(database.db);
}

async function createOperators(
  database: ConnectedDatabase,
  teamId: string,
  count: number,
): Promise<string[]> {
  const passwordHash = await hashPassword(crypto.randomUUID());
  const users = await database.db
    .insertInto('users')
    .values(
      Array.from({ length: count }, (_, i) => ({
        email: `op${i}@bench.local`,
        name: `Operator ${i}`,
        password_hash: passwordHash,
        role: 'operator' as const,
        team_id: teamId,
        endpoint: `SIP/${1000 + i}`,
        status: 'available' as const,
      })),
    )
    .returning('id')
    .execute();
  return users.map((user) => user.id);
}

/** A session per operator, made directly (logging 500 people in would time argon2, not pops). */
async function sessionCookies(database: ConnectedDatabase, userIds: string[]): Promise<string[]> {
  return Promise.all(
    userIds.map(async (userId) => {
      const token = crypto.randomBytes(24).toString('base64url');
      await insertSession(database.db, {
        id: sessionIdOf(token, BENCH_SESSION_SECRET),
        userId,
        expiresAt: new Date(Date.now() + 3600_000),
      });
      return `${SESSION_COOKIE}=${token}`;
    }),
  );
}

async function measureLookup(database: ConnectedDatabase): Promise<Percentiles> {
  const samples: number[] = [];
  for (let i = 0; i < 2000; i += 1) {
    const e164 = `+7916${String(1 + (i % 10000)).padStart(7, '0')}`;
    const started = performance.now();
    await findCustomerIdByPhone(database.db, { e164, digits: null });
    samples.push(performance.now() - started);
  }
  return percentiles(samples.slice(200));
}

/** A card-sized payload emitted to one operator's room and timed to its arrival. */
async function measureBareEmit(
  server: RunningServer,
  consoles: ConsoleClients,
  operatorId: string,
): Promise<Percentiles> {
  const samples: number[] = [];
  const padding = 'x'.repeat(1500);

  for (let probe = 0; probe < 2000; probe += 1) {
    const arrived = consoles.next((message) => message.kind === 'card' && message.probe === probe);
    const started = epochNow();
    const payload = { probe, padding } as unknown as CallCard;
    server.hub.io.to(userRoom(operatorId)).emit('call:card', payload);
    const message = await arrived;
    if (message.kind === 'card') samples.push(message.at - started);
  }
  return percentiles(samples.slice(200));
}

/** Offers calls at a fixed rate; each card's arrival is timed from its offer; callers then leave. */
async function measurePops(
  server: RunningServer,
  consoles: ConsoleClients,
  perSecond: number,
  total: number,
): Promise<Percentiles> {
  const sim = server.telephony;
  if (!sim.simulateInbound) throw new Error('the bench needs the simulated PBX');
  const started = new Map<string, number>();
  const samples: number[] = [];
  let pending = total;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));

  const off = consoles.on((message) => {
    if (message.kind !== 'card') return;
    const at = started.get(message.from);
    if (at === undefined) return;
    samples.push(message.at - at);
    started.delete(message.from);
    void sim.hangup(message.providerCallId);
    pending -= 1;
    if (pending === 0) finish();
  });

  const gapMs = 1000 / perSecond;
  const begin = performance.now();
  for (let i = 0; i < total; i += 1) {
    const due = begin + i * gapMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    // A known customer's number as people type it, made unique by an extension.
    const from = `8 916 ${String(1 + (i % 10000)).padStart(7, '0')} доб. ${i}`;
    started.set(from, epochNow());
    void sim.simulateInbound({ from, to: '+74950000000' });
  }
  await done;
  off();

  return percentiles(samples);
}

/** Runs whole calls back to back from many callers at once and counts those completed. */
async function measureLifecycles(
  server: RunningServer,
  callers: number,
  seconds: number,
): Promise<ScreenPopFigures['lifecycles']> {
  const sim = server.telephony;
  const { calls } = server.callSystem;
  const users = server.services.users;
  let completed = 0;
  let lost = 0;
  const deadline = performance.now() + seconds * 1000;
  const begin = performance.now();

  // Fewer callers than operators, so every call finds someone free and none waits queued.
  const caller = async (n: number) => {
    for (let i = 0; performance.now() < deadline; i += 1) {
      const from = `+7916${String(((n * 1000 + i) % 10000) + 1).padStart(7, '0')}`;
      try {
        const providerCallId = await sim.simulateInbound?.({ from, to: '+74950000000' });
        const id = providerCallId ? await server.callSystem.findCallId(providerCallId) : undefined;
        const call = id ? await calls.getById(id) : undefined;
        const operator = call?.operator_id ? await users.get(call.operator_id) : undefined;
        if (!providerCallId || !call || !operator) {
          lost += 1;
          continue;
        }
        await sim.answer?.(providerCallId);
        await sim.hangup(providerCallId);
        await calls.recordOutcome(operator, call.id, { outcome: 'result' });
        completed += 1;
      } catch (error) {
        lost += 1;
        console.error('lifecycle failed:', error instanceof Error ? error.message : error);
      }
    }
  };
  await Promise.all(Array.from({ length: callers }, (_, n) => caller(n)));
  const elapsed = (performance.now() - begin) / 1000;
  await server.callSystem.pipeline.idle();

  const open = await server.database.db
    .selectFrom('calls')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('state', '<>', 'ended')
    .executeTakeFirstOrThrow();
  return { completed, seconds: elapsed, perSecond: completed / elapsed, lost: lost + open.n };
}
