import { sql } from 'kysely';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ensureDatabase, withDatabase } from '../../db/connect';
import { openDatabase } from '../../db/database';
import { migrateToLatest } from '../../db/migrator';

describe('migrations', () => {
  const url = withDatabase(inject('postgresUrl'), `empty_${Date.now()}`);
  const handle = openDatabase(url, { max: 2 });
  afterAll(() => handle.close());

  it('build the whole schema on an empty database, and a second run changes nothing', async () => {
    await ensureDatabase(inject('postgresUrl'), new URL(url).pathname.slice(1));

    const applied = await migrateToLatest(handle.db);
    expect(applied).toContain('0001_foundation');

    const tables = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'
    `.execute(handle.db);
    const names = tables.rows.map((row) => row.table_name);
    for (const table of ['teams', 'users', 'sessions', 'customers', 'customer_phones', 'leads']) {
      expect(names).toContain(table);
    }
    for (const table of ['calls', 'call_events', 'callbacks', 'notes', 'audit_log']) {
      expect(names).toContain(table);
    }

    expect(await migrateToLatest(handle.db)).toEqual([]);
  });

  it('keep the call event log append-only', async () => {
    const call = await handle.db
      .insertInto('calls')
      .values({
        provider: 'sim',
        provider_call_id: 'x1',
        direction: 'inbound',
        from_raw: '1',
        to_raw: '2',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await handle.db
      .insertInto('call_events')
      .values({ call_id: call.id, type: 'call.offered', at: new Date() })
      .execute();

    await expect(handle.db.deleteFrom('call_events').execute()).rejects.toThrow(/append-only/);
    await expect(
      handle.db.updateTable('call_events').set({ type: 'changed' }).execute(),
    ).rejects.toThrow(/append-only/);
  });
});
