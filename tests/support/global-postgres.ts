import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import type { TestProject } from 'vitest/node';
import { ensureDatabase, withDatabase } from '../../db/connect';
import { openDatabase } from '../../db/database';
import { startEmbeddedPostgres } from '../../db/embedded/embedded-postgres';
import { migrateToLatest } from '../../db/migrator';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export const TEMPLATE_DATABASE = 'crm_template';

/**
 * One real PostgreSQL for the whole run, in a fresh folder under the system temp folder (which
 * the postgres system user can reach even when the checkout sits under /root). A migrated
 * template database is made once; each test file clones it.
 */
export default async function setup(project: TestProject) {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'crm-test-pg-'));
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'warn' });
  const server = await startEmbeddedPostgres({ dataDir, logger });

  await ensureDatabase(server.url, TEMPLATE_DATABASE);
  const template = openDatabase(withDatabase(server.url, TEMPLATE_DATABASE), { max: 1 });
  await migrateToLatest(template.db);
  await template.close();

  project.provide('postgresUrl', server.url);

  return async () => {
    await server.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  };
}
