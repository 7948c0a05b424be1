import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { ensureDatabase, withDatabase } from '../db/connect';
import type { ConnectedDatabase } from '../db/connect';
import { openDatabase } from '../db/database';
import { startEmbeddedPostgres } from '../db/embedded/embedded-postgres';
import { migrateToLatest } from '../db/migrator';

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
