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
  // The cluster's password file goes beside its data folder, so both live in one folder that
  // the teardown removes whole; the postgres system user must be able to pass through it.
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'crm-test-pg-'));
  await fs.chmod(folder, 0o755);
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'warn' });
  const server = await startEmbeddedPostgres({ dataDir: path.join(folder, 'data'), logger });

  await ensureDatabase(server.url, TEMPLATE_DATABASE);
  const template = openDatabase(withDatabase(server.url, TEMPLATE_DATABASE), { max: 1 });
  await migrateToLatest(template.db);
  await template.close();

  project.provide('postgresUrl', server.url);

  return async () => {
    await server.stop();
    await fs.rm(folder, { recursive: true, force: true });
    // A folder the postgres user could not reach was swapped for one under the temp folder.
    if (server.dataDir !== path.join(folder, 'data')) {
      await fs.rm(server.dataDir, { recursive: true, force: true });
      await fs.rm(`${server.dataDir}.password`, { force: true });
    }
  };
}
