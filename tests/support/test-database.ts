import crypto from 'node:crypto';
import { inject } from 'vitest';
import { ensureDatabase, withDatabase } from '../../db/connect';
import { openDatabase } from '../../db/database';
import type { DatabaseHandle } from '../../db/database';

export interface TestDatabase extends DatabaseHandle {
  url: string;
  name: string;
}

/** A fresh, migrated database of the run's PostgreSQL, cloned from the template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = inject('postgresUrl');
  const name = `test_${crypto.randomBytes(6).toString('hex')}`;
  await ensureDatabase(serverUrl, name, 'crm_template');

  const url = withDatabase(serverUrl, name);
  return { ...openDatabase(url, { max: 5 }), url, name };
}

/** Another pool on an existing test database, as a second server process would open. */
export async function openTestDatabase(url: string, name: string): Promise<TestDatabase> {
  return { ...openDatabase(url, { max: 5 }), url, name };
}
