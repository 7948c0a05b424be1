import path from 'node:path';
import type { Logger } from 'pino';
import { openDatabase } from './database';
import type { DatabaseHandle } from './database';
import { startEmbeddedPostgres } from './embedded/embedded-postgres';
import { migrateToLatest } from './migrator';

export interface ConnectedDatabase extends DatabaseHandle {
  url: string;
  embedded: boolean;
}

/**
 * Connects to DATABASE_URL, or starts the embedded PostgreSQL under the data folder when none is
 * set, and migrates to the latest schema. `close` also stops the embedded server.
 */
export async function connectDatabase(options: {
  databaseUrl: string | undefined;
  dataDir: string;
  logger: Logger;
  poolSize?: number;
}): Promise<ConnectedDatabase> {
  const { logger } = options;
  const embedded = options.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({ dataDir: path.join(options.dataDir, 'postgres'), logger });
  const url = options.databaseUrl ?? embedded?.url ?? '';
  if (embedded) await ensureDatabase(url, 'crm');
  const appUrl = embedded ? withDatabase(url, 'crm') : url;

  const handle = openDatabase(appUrl, { max: options.poolSize });
  const applied = await migrateToLatest(handle.db);
  if (applied.length > 0) logger.info({ applied }, 'applied migrations');

  return {
    ...handle,
    url: appUrl,
    embedded: embedded !== undefined,
    close: async () => {
      await handle.close();
      await embedded?.stop();
    },
  };
}

/** The URL with another database name. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Creates the database if it does not exist yet (CREATE DATABASE cannot run in a function). */
export async function ensureDatabase(serverUrl: string, database: string, template?: string) {
  const admin = openDatabase(serverUrl, { max: 1 });
  try {
    const found = await admin.sql`SELECT 1 FROM pg_database WHERE datname = ${database}`;
    if (found.length > 0) return;

    const from = template ? admin.sql`TEMPLATE ${admin.sql(template)}` : admin.sql``;
    await admin.sql`CREATE DATABASE ${admin.sql(database)} ${from}`;
  } finally {
    await admin.close();
  }
}
