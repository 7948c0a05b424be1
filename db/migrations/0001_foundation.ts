import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/**
 * Teams, accounts, customers with their phones, leads, calls with an append-only event log,
 * callbacks, notes and the audit log.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);

  await sql`
    CREATE TABLE teams (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email text NOT NULL,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      password_hash text NOT NULL,
      role text NOT NULL CHECK (role IN ('operator', 'supervisor', 'admin')),
      team_id uuid REFERENCES teams (id),
      active boolean NOT NULL DEFAULT true,
      skills text[] NOT NULL DEFAULT '{}',
      endpoint text,
      status text NOT NULL DEFAULT 'offline'
        CHECK (status IN ('offline', 'available', 'ringing', 'on_call', 'wrap_up', 'away')),
      status_changed_at timestamptz NOT NULL DEFAULT now(),
      idle_since timestamptz NOT NULL DEFAULT now(),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX users_email_key ON users (lower(email))`.execute(db);
  await sql`CREATE INDEX users_team_status_idx ON users (team_id, status, idle_since)`.execute(db);

  await sql`
    CREATE TABLE sessions (
      id text PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      user_agent text,
      ip text
    )`.execute(db);
  await sql`CREATE INDEX sessions_user_idx ON sessions (user_id)`.execute(db);

  await sql`
    CREATE TABLE login_failures (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      email text NOT NULL,
      ip text NOT NULL,
      at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX login_failures_email_idx ON login_failures (lower(email), at)`.execute(db);
  await sql`CREATE INDEX login_failures_ip_idx ON login_failures (ip, at)`.execute(db);

  await sql`
    CREATE TABLE customers (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL DEFAULT '' CHECK (length(name) <= 300),
      company text CHECK (length(company) <= 300),
      city text CHECK (length(city) <= 200),
      line_of_business text CHECK (length(line_of_business) <= 200),
      rating text NOT NULL DEFAULT 'unknown' CHECK (rating IN ('good', 'bad', 'unknown')),
      team_id uuid REFERENCES teams (id),
      owner_id uuid REFERENCES users (id),
      custom_fields jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(custom_fields) = 'object'),
      merged_into_id uuid REFERENCES customers (id),
      search_text text GENERATED ALWAYS AS
        (lower(name || ' ' || coalesce(company, ''))) STORED,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX customers_search_idx ON customers USING gin (search_text gin_trgm_ops)`.execute(
    db,
  );
  await sql`CREATE INDEX customers_team_idx ON customers (team_id, updated_at DESC)`.execute(db);

  await sql`
    CREATE TABLE customer_phones (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      customer_id uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
      raw text NOT NULL,
      e164 text,
      digits text NOT NULL,
      extension text,
      valid boolean NOT NULL,
      problem text,
      kind text NOT NULL DEFAULT 'other'
        CHECK (kind IN ('mobile', 'landline', 'work', 'home', 'fax', 'other')),
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  // A number belongs to one customer; extensions of one switchboard may be shared.
  await sql`
    CREATE UNIQUE INDEX customer_phones_e164_key
      ON customer_phones (e164, coalesce(extension, '')) WHERE e164 IS NOT NULL`.execute(db);
  // Partial and invalid numbers are found by a suffix of their digits: reversing turns the
  // suffix match into a prefix match that a plain btree serves.
  await sql`
    CREATE INDEX customer_phones_digits_idx
      ON customer_phones (reverse(digits) text_pattern_ops)`.execute(db);
  await sql`CREATE INDEX customer_phones_customer_idx ON customer_phones (customer_id)`.execute(db);

  await sql`
    CREATE TABLE calls (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      provider text NOT NULL,
      provider_call_id text NOT NULL,
      direction text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
      state text NOT NULL DEFAULT 'offered'
        CHECK (state IN ('offered', 'queued', 'ringing', 'answered', 'ended')),
      from_raw text NOT NULL,
      from_e164 text,
      to_raw text NOT NULL,
      to_e164 text,
      customer_id uuid REFERENCES customers (id),
      team_id uuid REFERENCES teams (id),
      operator_id uuid REFERENCES users (id),
      lead_id uuid,
      routing_reason text,
      offered_at timestamptz NOT NULL DEFAULT now(),
      ringing_at timestamptz,
      answered_at timestamptz,
      ended_at timestamptz,
      end_cause text,
      missed boolean NOT NULL DEFAULT false,
      outcome text CHECK (outcome IN ('result', 'refusal', 'postponed')),
      outcome_reason text,
      outcome_note text,
      outcome_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (provider, provider_call_id)
    )`.execute(db);
  await sql`CREATE INDEX calls_customer_idx ON calls (customer_id, offered_at DESC)`.execute(db);
  await sql`CREATE INDEX calls_team_idx ON calls (team_id, offered_at DESC)`.execute(db);
  await sql`CREATE INDEX calls_operator_idx ON calls (operator_id, offered_at DESC)`.execute(db);
  await sql`CREATE INDEX calls_open_idx ON calls (provider) WHERE state <> 'ended'`.execute(db);

  await sql`
    CREATE TABLE call_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      call_id uuid NOT NULL REFERENCES calls (id),
      type text NOT NULL,
      at timestamptz NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      payload jsonb NOT NULL DEFAULT '{}'
    )`.execute(db);
  await sql`CREATE INDEX call_events_call_idx ON call_events (call_id, id)`.execute(db);
  await appendOnly(db, 'call_events');

  await sql`
    CREATE TABLE leads (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      customer_id uuid NOT NULL REFERENCES customers (id),
      team_id uuid REFERENCES teams (id),
      owner_id uuid REFERENCES users (id),
      call_id uuid REFERENCES calls (id),
      source text NOT NULL CHECK (source IN ('call', 'missed_call', 'web_form', 'cold_list', 'manual')),
      status text NOT NULL DEFAULT 'new'
        CHECK (status IN ('new', 'in_progress', 'won', 'lost', 'postponed')),
      hotness integer NOT NULL DEFAULT 50 CHECK (hotness BETWEEN 0 AND 100),
      title text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      closed_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX leads_customer_idx ON leads (customer_id, created_at DESC)`.execute(db);
  await sql`ALTER TABLE calls ADD FOREIGN KEY (lead_id) REFERENCES leads (id)`.execute(db);

  await sql`
    CREATE TABLE callbacks (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      customer_id uuid NOT NULL REFERENCES customers (id),
      call_id uuid REFERENCES calls (id),
      team_id uuid REFERENCES teams (id),
      owner_id uuid REFERENCES users (id),
      reason text NOT NULL CHECK (reason IN ('missed_call', 'postponed', 'manual')),
      due_at timestamptz NOT NULL,
      note text,
      done_at timestamptz,
      done_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX callbacks_open_idx ON callbacks (team_id, due_at) WHERE done_at IS NULL`.execute(
    db,
  );
  await sql`CREATE INDEX callbacks_customer_idx ON callbacks (customer_id)`.execute(db);
  // One missed-call task per call, however often the hang-up is reported.
  await sql`CREATE UNIQUE INDEX callbacks_call_reason_key ON callbacks (call_id, reason)`.execute(
    db,
  );

  await sql`
    CREATE TABLE notes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      customer_id uuid NOT NULL REFERENCES customers (id),
      call_id uuid REFERENCES calls (id),
      author_id uuid REFERENCES users (id),
      body text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX notes_customer_idx ON notes (customer_id, created_at DESC)`.execute(db);

  await sql`
    CREATE TABLE audit_log (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      actor_id uuid REFERENCES users (id),
      action text NOT NULL,
      entity text NOT NULL,
      entity_id text,
      data jsonb NOT NULL DEFAULT '{}',
      at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, at)`.execute(db);
  await appendOnly(db, 'audit_log');
}

/** A trigger that refuses UPDATE and DELETE, so history can only grow. */
async function appendOnly(db: Kysely<unknown>, table: string): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER ${sql.raw(`${table}_append_only`)}
      BEFORE UPDATE OR DELETE ON ${sql.table(table)}
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['audit_log', 'notes', 'callbacks', 'call_events']) {
    await sql`DROP TABLE ${sql.table(table)}`.execute(db);
  }
  await sql`ALTER TABLE calls DROP COLUMN lead_id`.execute(db);
  for (const table of ['leads', 'calls', 'customer_phones', 'customers', 'login_failures']) {
    await sql`DROP TABLE ${sql.table(table)}`.execute(db);
  }
  for (const table of ['sessions', 'users', 'teams']) {
    await sql`DROP TABLE ${sql.table(table)}`.execute(db);
  }
  await sql`DROP FUNCTION refuse_change()`.execute(db);
}
