import { Migrator } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely';
import type { Db } from './database';
import * as foundation from './migrations/0001_foundation';
import * as recordings from './migrations/0002_recordings';
import * as socketCluster from './migrations/0003_socket_cluster';
import * as callbackReminders from './migrations/0004_callback_reminders';

/**
 * Migrations are imported statically, so they are part of the build and no folder is read at
 * run time. A new migration is a new file here, appended in order.
 */
const migrations: Record<string, Migration> = {
  '0001_foundation': foundation,
  '0002_recordings': recordings,
  '0003_socket_cluster': socketCluster,
  '0004_callback_reminders': callbackReminders,
};

class StaticMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

/**
 * Brings the schema up to date. Kysely's migrator takes a PostgreSQL advisory lock, so several
 * server processes starting at once apply each migration once.
 */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new StaticMigrationProvider() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;

  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
