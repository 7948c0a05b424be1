import { Kysely } from 'kysely';
import { PostgresJSDialect } from 'kysely-postgres-js';
import postgres from 'postgres';
import type { Database } from './schema';

export type Db = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  /** The postgres.js client, for LISTEN/NOTIFY and the Socket.IO adapter. */
  sql: postgres.Sql;
  close(): Promise<void>;
}

/** Opens a pooled connection to PostgreSQL through postgres.js, wrapped by Kysely. */
export function openDatabase(url: string, options: { max?: number } = {}): DatabaseHandle {
  const client = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => undefined,
    connection: { application_name: 'callcenter-crm' },
  });
  const db = new Kysely<Database>({ dialect: new PostgresJSDialect({ postgres: client }) });

  return {
    db,
    sql: client,
    close: async () => {
      await db.destroy();
    },
  };
}
