import { createAdapter } from '@socket.io/postgres-adapter';
import pg from 'pg';
import type { Logger } from 'pino';
import type { HubServer } from './socket-hub';

/**
 * Carries room emits to every node through PostgreSQL's LISTEN/NOTIFY (the adapter needs the
 * `pg` driver; the rest of the CRM uses postgres.js). Returns the pool's closer.
 */
export function attachClusterAdapter(io: HubServer, databaseUrl: string, logger: Logger) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  pool.on('error', (error) => logger.error({ err: error }, 'socket cluster pool error'));
  io.adapter(
    createAdapter(pool, {
      errorHandler: (error) => logger.error({ err: error }, 'socket cluster adapter error'),
    }),
  );

  return () => pool.end();
}
