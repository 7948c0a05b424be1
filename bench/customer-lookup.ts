import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { ConnectedDatabase } from '../db/connect';
import type { Db } from '../db/database';
import { findCustomerIdByPhone, searchCustomers } from '../db/queries/customers';
import { insertTeam } from '../db/queries/teams';
import { normalizePhone, phoneSearchKeys } from '../server/phones/phone-number';
import { envInt, startBenchServer, withBenchDatabase } from './bench-harness';
import { msSince, percentiles, timingTable } from './stats';
import type { Percentiles } from './stats';

export interface CustomerLookupFigures {
  customers: number;
  lookups: number;
  loadSeconds: number;
  postgres: string;
  /** Milliseconds per lookup or round trip. */
  selectOne: Percentiles;
  findCustomerIdByPhone: Percentiles;
  searchCustomers: Percentiles;
  /** The session check every API request makes (a read; it slides the expiry once a minute). */
  sessionCheck: Percentiles;
  api: Percentiles;
  /** The 1-minute load average before and after the lookups, since others may share the CPU. */
  loadAverage: [before: number, after: number];
}

const COUNTRY = 'RU';
const WARM_UP = 200;
const LOAD_BATCH = 250_000;

/**
 * Customer lookup by a typed phone number among BENCH_CUSTOMERS customers (1,000,000 unless
 * set): p50/p99 through the HTTP API with a session, through the queries alone, and a bare
 * `SELECT 1` round trip on the same pool for scale. Runs on its own embedded PostgreSQL in a
 * temporary folder, removed afterwards. Prints a table and answers the figures.
 */
export async function benchCustomerLookup(): Promise<CustomerLookupFigures> {
  const customers = envInt('BENCH_CUSTOMERS', 1_000_000);
  const lookups = envInt('BENCH_LOOKUPS', 2_000);
  return withBenchDatabase((database) => measure(database, customers, lookups));
}

async function measure(
  database: ConnectedDatabase,
  customers: number,
  lookups: number,
): Promise<CustomerLookupFigures> {
  const { db } = database;
  const title = `Customer lookup by a typed phone among ${customers.toLocaleString('en')} customers`;
  console.log(title);

  const team = await insertTeam(db, 'Bench team');
  const loadSeconds = await loadCustomers(db, team.id, customers);
  await checkNormalization(db, customers);

  const server = await startBenchServer(database, path.join(os.tmpdir(), 'crm-bench-unused'), {
    defaultCountry: COUNTRY,
  });
  try {
    const operator = await server.services.users.create(null, {
      email: 'bench@bench.local',
      name: 'Bench operator',
      password: 'bench password',
      role: 'operator',
      team_id: team.id,
    });
    const cookie = await login(server.url, operator.email, 'bench password');
    const token = cookie.slice(cookie.indexOf('=') + 1);
    const loadBefore = os.loadavg()[0] ?? 0;

    const timings = { selectOne: [], find: [], search: [], session: [], api: [] } as Record<
      string,
      number[]
    >;
    const random = seededRandom(20240501);
    for (let round = 0; round < WARM_UP + lookups; round++) {
      const n = 1 + Math.floor(random() * customers);
      const typed = typedForm(n, round);
      const expected = customerIdOf(n);
      const keys = phoneSearchKeys(typed, COUNTRY);
      const keep = round >= WARM_UP;

      let started = process.hrtime.bigint();
      await sql`SELECT 1`.execute(db);
      if (keep) timings.selectOne?.push(msSince(started));

      started = process.hrtime.bigint();
      const foundId = await findCustomerIdByPhone(db, keys);
      if (keep) timings.find?.push(msSince(started));

      started = process.hrtime.bigint();
      const found = await searchCustomers(db, {
        scope: { teams: [team.id] },
        phone: keys,
        limit: 50,
        offset: 0,
      });
      if (keep) timings.search?.push(msSince(started));

      started = process.hrtime.bigint();
      const actor = await server.services.auth.authenticate(token);
      if (keep) timings.session?.push(msSince(started));
      if (actor?.id !== operator.id) throw new Error('the session check failed');

      started = process.hrtime.bigint();
      const response = await fetch(`${server.url}/api/customers?q=${encodeURIComponent(typed)}`, {
        headers: { cookie },
      });
      const body = (await response.json()) as { customers?: { id: string }[] };
      if (keep) timings.api?.push(msSince(started));

      const answers = [foundId, found.customers[0]?.id, body.customers?.[0]?.id];
      if (answers.some((id) => id !== expected)) {
        throw new Error(`"${typed}" found ${answers.join(', ')} instead of ${expected}`);
      }
    }

    const version = await sql<{ v: string }>`SELECT current_setting('server_version') AS v`.execute(
      db,
    );
    const figures: CustomerLookupFigures = {
      customers,
      lookups,
      loadSeconds,
      postgres: version.rows[0]?.v ?? 'unknown',
      selectOne: percentiles(timings.selectOne ?? []),
      findCustomerIdByPhone: percentiles(timings.find ?? []),
      searchCustomers: percentiles(timings.search ?? []),
      sessionCheck: percentiles(timings.session ?? []),
      api: percentiles(timings.api ?? []),
      loadAverage: [loadBefore, os.loadavg()[0] ?? 0],
    };
    print(figures);
    return figures;
  } finally {
    await server.close();
  }
}

/**
 * Customers and one phone each, made inside PostgreSQL with generate_series: each number is
 * a +7 9xx mobile stored in one of three typed forms, with the E.164 and digits that
 * normalizePhone gives for that form (checked afterwards on a sample).
 */
async function loadCustomers(db: Db, teamId: string, count: number): Promise<number> {
  const started = process.hrtime.bigint();

  for (let from = 1; from <= count; from += LOAD_BATCH) {
    const to = Math.min(count, from + LOAD_BATCH - 1);
    await db.transaction().execute(async (trx) => {
      await sql`
        INSERT INTO customers (id, name, company, city, team_id, updated_at)
        SELECT ${idOfSql}, 'Клиент ' || n,
               CASE WHEN n % 3 = 0 THEN 'ООО Компания ' || (n % 20000) END,
               (ARRAY['Москва', 'Казань', 'Пермь', 'Омск', 'Тверь'])[1 + n % 5],
               ${teamId}, now() - n * interval '1 second'
          FROM generate_series(${from}::bigint, ${to}::bigint) AS n`.execute(trx);
      await sql`
        WITH numbers AS (
          SELECT n, (910 + n % 20)::text
                    || lpad(((n / 20) * 7919 % 10000000)::text, 7, '0') AS national
            FROM generate_series(${from}::bigint, ${to}::bigint) AS n
        )
        INSERT INTO customer_phones (customer_id, raw, e164, digits, valid, kind)
        SELECT ${idOfSql},
               CASE n % 3
                 WHEN 0 THEN '+7 ' || substr(national, 1, 3) || ' ' || substr(national, 4, 3)
                             || ' ' || substr(national, 7, 2) || ' ' || substr(national, 9, 2)
                 WHEN 1 THEN '8 (' || substr(national, 1, 3) || ') ' || substr(national, 4, 3)
                             || '-' || substr(national, 7, 2) || '-' || substr(national, 9, 2)
                 ELSE '8' || national
               END,
               '+7' || national,
               CASE WHEN n % 3 = 0 THEN '7' ELSE '8' END || national,
               true, 'mobile'
          FROM numbers`.execute(trx);
    });
    const seconds = msSince(started) / 1000;
    console.log(`  loaded ${to.toLocaleString('en')} customers (${seconds.toFixed(1)} s)`);
  }

  await sql`VACUUM (ANALYZE) customers, customer_phones`.execute(db);
  return msSince(started) / 1000;
}

/** The n-th customer's id, the same in SQL (below) and in TypeScript. */
const idOfSql = sql<string>`('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid`;

function customerIdOf(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/** The n-th customer's number without the country code, as loadCustomers makes it. */
function nationalOf(n: number): string {
  const subscriber = (Math.floor(n / 20) * 7919) % 10_000_000;
  return `${910 + (n % 20)}${String(subscriber).padStart(7, '0')}`;
}

/** The n-th customer's number as an operator might type it, in one of five forms. */
function typedForm(n: number, round: number): string {
  const d = nationalOf(n);
  const [a, b, c, e] = [d.slice(0, 3), d.slice(3, 6), d.slice(6, 8), d.slice(8)];
  const forms = [
    `8 (${a}) ${b}-${c}-${e}`,
    `+7 ${a} ${b} ${c} ${e}`,
    `8${d}`,
    `7-${a}-${b}-${d.slice(6)}`,
    `+7 (${a}) ${b}-${c}-${e}`,
  ];

  return forms[round % forms.length] ?? forms[0] ?? d;
}

/** Refuses to measure rows that the application itself would have stored differently. */
async function checkNormalization(db: Db, count: number): Promise<void> {
  const random = seededRandom(7);
  const ids = Array.from({ length: 500 }, () => customerIdOf(1 + Math.floor(random() * count)));
  const rows = await db
    .selectFrom('customer_phones')
    .select(['raw', 'e164', 'digits'])
    .where('customer_id', 'in', ids)
    .execute();

  for (const row of rows) {
    const phone = normalizePhone(row.raw, COUNTRY);
    if (phone.e164 !== row.e164 || phone.digits !== row.digits || !phone.valid) {
      throw new Error(`the loaded phone ${JSON.stringify(row)} differs from normalizePhone`);
    }
  }
}

async function login(url: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const cookie = response.headers.get('set-cookie')?.split(';')[0];
  if (response.status !== 200 || !cookie) throw new Error(`login failed: ${response.status}`);

  return cookie;
}

function print(figures: CustomerLookupFigures): void {
  const n = figures.lookups.toLocaleString('en');
  const [before, after] = figures.loadAverage.map((load) => load.toFixed(1));
  console.log(
    `  ${figures.loadSeconds.toFixed(1)} s to load and VACUUM ANALYZE; PostgreSQL ` +
      `${figures.postgres}; ${os.cpus().length} CPUs, load average ${before} → ${after}.\n` +
      `  ${n} lookups each after ${WARM_UP} to warm up, one at a time, ` +
      'typed as "8 (912) 345-67-89", "+7 912 345 67 89", "89123456789", "7-912-345-6789" ' +
      'and "+7 (912) 345-67-89"; milliseconds:\n',
  );
  console.log(
    timingTable([
      ['SELECT 1 round trip (same pool)', figures.selectOne],
      ['findCustomerIdByPhone (query alone)', figures.findCustomerIdByPhone],
      ['searchCustomers (query alone)', figures.searchCustomers],
      ['session check (every request)', figures.sessionCheck],
      ['GET /api/customers?q=<typed phone>', figures.api],
    ]),
  );
  console.log();
}

/** A small deterministic generator (mulberry32), so two runs look up the same customers. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
