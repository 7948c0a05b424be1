import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/** Recordings copied from the provider into the CRM's own store, linked to their call. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE recordings (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      call_id uuid NOT NULL REFERENCES calls (id),
      provider text NOT NULL,
      provider_recording_id text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'stored', 'failed')),
      format text NOT NULL,
      path text,
      bytes bigint,
      sha256 text,
      duration_seconds numeric,
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      stored_at timestamptz,
      UNIQUE (provider, provider_recording_id)
    )`.execute(db);
  await sql`CREATE INDEX recordings_call_idx ON recordings (call_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE recordings`.execute(db);
}
