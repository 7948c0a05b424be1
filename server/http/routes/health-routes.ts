import { Router } from 'express';
import { sql } from 'kysely';
import type { Db } from '../../../db/database';
import type { ProviderStatus } from '../../../telephony/provider';

/** /api/health: 200 when the database answers, with the telephony provider's state. */
export function healthRoutes(db: Db, telephony: () => ProviderStatus | undefined): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const started = process.hrtime.bigint();
    let database: 'ok' | 'down' = 'ok';
    try {
      await sql`SELECT 1`.execute(db);
    } catch (error) {
      req.log.error({ err: error }, 'health: the database does not answer');
      database = 'down';
    }
    const dbMs = Number(process.hrtime.bigint() - started) / 1e6;

    res.status(database === 'ok' ? 200 : 503).json({
      status: database === 'ok' ? 'ok' : 'degraded',
      database: { status: database, ms: Math.round(dbMs * 100) / 100 },
      telephony: telephony() ?? null,
      uptimeSeconds: Math.round(process.uptime()),
    });
  });

  return router;
}
