import type { Logger } from 'pino';
import { LeaderLock } from '../../db/queries/leader-lock';
import type postgres from 'postgres';

export interface Leadership {
  /** Whether this node holds the provider connection now. */
  leading(): boolean;
  stop(): Promise<void>;
}

/**
 * Runs `lead` on exactly one node of a cluster at a time: the node holding the advisory lock
 * starts the provider; the others retry every `retryMs` and take over when the holder's
 * connection dies. If this node loses its lock connection it stops the provider at once, so two
 * nodes never hold the ARI WebSocket together.
 */
export function holdLeadership(options: {
  sql: postgres.Sql;
  name: string;
  logger: Logger;
  lead: () => Promise<void>;
  resign: () => Promise<void>;
  retryMs?: number;
}): Leadership {
  const { logger } = options;
  const retryMs = options.retryMs ?? 5000;
  const lock = new LeaderLock(options.sql, options.name);
  let leading = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const tick = async () => {
    if (stopped) return;
    try {
      if (leading) {
        await lock.check();
      } else if (await lock.tryAcquire()) {
        leading = true;
        logger.info({ lock: options.name }, 'this node now holds the provider connection');
        await options.lead();
      }
    } catch (error) {
      logger.error({ err: error, lock: options.name }, 'lost the provider leadership');
      if (leading) await options.resign().catch(() => undefined);
      leading = false;
      await lock.release();
    }
    if (!stopped) timer = setTimeout(() => void tick(), retryMs);
  };
  void tick();

  return {
    leading: () => leading,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (leading) await options.resign();
      leading = false;
      await lock.release();
    },
  };
}
