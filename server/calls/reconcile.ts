import type { Logger } from 'pino';
import type { Db } from '../../db/database';
import { openCallsOf } from '../../db/queries/calls';
import type { LiveCall, TelephonyEvent } from '../../telephony/provider';

/**
 * After the provider (re)connects: a call it no longer has ended while we were not listening,
 * and is closed as such (missed if nobody had answered); a call it has up that we thought was
 * still ringing was answered meanwhile. The corrections go through the pipeline like any event,
 * so they are logged and applied once.
 */
export async function reconcileCalls(
  deps: {
    db: Db;
    provider: string;
    apply: (event: TelephonyEvent) => Promise<void>;
    logger: Logger;
  },
  liveCalls: LiveCall[],
): Promise<{ closed: number; answered: number }> {
  const live = new Map(liveCalls.map((call) => [call.providerCallId, call]));
  const open = await openCallsOf(deps.db, deps.provider);
  let closed = 0;
  let answered = 0;

  for (const call of open) {
    const now = live.get(call.provider_call_id);
    const raw = { reconciled: true };
    if (!now) {
      closed += 1;
      await deps.apply({
        type: 'call.ended',
        providerCallId: call.provider_call_id,
        cause: call.answered_at ? 'completed' : 'lost',
        providerCause: 'gone after reconnect',
        at: new Date(),
        raw,
      });
    } else if (now.state === 'up' && call.state !== 'answered') {
      answered += 1;
      await deps.apply({
        type: 'call.answered',
        providerCallId: call.provider_call_id,
        at: new Date(),
        raw,
      });
    }
  }

  if (closed + answered > 0) {
    deps.logger.info(
      { closed, answered, live: liveCalls.length },
      'reconciled calls with the provider',
    );
  }
  return { closed, answered };
}
