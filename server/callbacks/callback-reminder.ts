import type { Logger } from 'pino';
import type { Db } from '../../db/database';
import { claimDueCallbacks } from '../../db/queries/work';
import type { CallbackDuePayload } from '../realtime/events';
import type { SocketHub } from '../realtime/socket-hub';

/**
 * Tells consoles when a callback falls due: its owner, or the team for a callback nobody owns
 * (a missed call). Claimed in SQL, so with several nodes each callback is announced once.
 */
export class CallbackReminder {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly hub: SocketHub,
    private readonly logger: Logger,
    private readonly everyMs = 15_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One round: announces every callback due by now. */
  tick(): Promise<void> {
    this.running ??= this.announceDue().finally(() => (this.running = undefined));
    return this.running;
  }

  private async announceDue(): Promise<void> {
    try {
      for (const callback of await claimDueCallbacks(this.db, 200)) {
        const payload: CallbackDuePayload = {
          callbackId: callback.id,
          customerId: callback.customer_id,
          customerName: callback.customer_name,
          dueAt: callback.due_at.toISOString(),
          reason: callback.reason,
        };
        if (callback.owner_id) this.hub.toUser(callback.owner_id).emit('callback:due', payload);
        else if (callback.team_id) this.hub.toTeam(callback.team_id).emit('callback:due', payload);
      }
    } catch (error) {
      this.logger.error({ err: error }, 'announcing due callbacks failed');
    }
  }
}
