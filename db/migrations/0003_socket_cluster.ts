import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/**
 * Where the Socket.IO PostgreSQL adapter parks payloads too large for NOTIFY, so consoles on
 * every node receive the same events.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE socket_io_attachments (
      id bigserial UNIQUE,
      created_at timestamptz DEFAULT now(),
      payload bytea
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE socket_io_attachments`.execute(db);
}
