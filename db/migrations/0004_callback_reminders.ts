import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/** When the console was told a callback fell due, so each is announced once across nodes. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE callbacks ADD COLUMN notified_at timestamptz`.execute(db);
  await sql`
    CREATE INDEX callbacks_unannounced_idx ON callbacks (due_at)
     WHERE done_at IS NULL AND notified_at IS NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE callbacks DROP COLUMN notified_at`.execute(db);
}
