import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { ensureDatabase, withDatabase } from '../db/connect';
import type { ConnectedDatabase } from '../db/connect';
import { openDatabase } from '../db/database';
import { startEmbeddedPostgres } from '../db/embedded/embedded-postgres';
import { migrateToLatest } from '../db/migrator';
import { loadConfig } from '../server/config/config';
import { startServer } from '../server/server';
import type { RunningServer, StartOptions } from '../server/server';

/**
 * Runs a benchmark on its own embedded PostgreSQL in a temporary folder, migrated, and removes
 * everything afterwards.
 */
export async function withBenchDatabase<T>(
  work: (database: ConnectedDatabase, folder: string) => Promise<T>,
  poolSize = 10,
): Promise<T> {
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'crm-bench-'));
  // Run as root, PostgreSQL runs as the postgres user, who must be able to pass through.
  await fs.chmod(folder, 0o755);
  const logger = pino({ level: 'silent' });

  const postgres = await startEmbeddedPostgres({ dataDir: path.join(folder, 'data'), logger });
  try {
    await ensureDatabase(postgres.url, 'crm_bench');
    const url = withDatabase(postgres.url, 'crm_bench');
    const database = openDatabase(url, { max: poolSize });
    try {
      await migrateToLatest(database.db);
      return await work({ ...database, url, embedded: false }, folder);
    } finally {
      await database.close();
    }
  } finally {
    await postgres.stop();
    await fs.rm(folder, { recursive: true, force: true });
  }
}

/** The session secret of bench servers, so a bench can mint session cookies itself. */
export const BENCH_SESSION_SECRET = 'bench-secret-bench-secret-bench-secret-00';

/** The real server, quiet and in production mode, on a free port over the bench database. */
export async function startBenchServer(
  database: ConnectedDatabase,
  dataDir: string,
  options: Pick<StartOptions, 'web'> & { defaultCountry?: string } = {},
): Promise<RunningServer> {
  const config = loadConfig({
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    DEFAULT_COUNTRY: options.defaultCountry ?? 'RU',
    SESSION_SECRET: BENCH_SESSION_SECRET,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
  });
  return startServer({ config, logger: pino({ level: 'silent' }), database, web: options.web });
}

/** A whole-number setting from the environment (underscores allowed: 1_000_000). */
export function envInt(name: string, fallback: number, least = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;

  const value = Number(raw.replaceAll('_', ''));
  if (!Number.isInteger(value) || value < least) {
    throw new Error(`${name} must be a whole number of ${least} or more, not "${raw}"`);
  }
  return value;
}
