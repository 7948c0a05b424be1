import type { Db } from '../../db/database';
import type { Call } from '../../db/schema';
import type { CountryCode } from '../phones/phone-number';
import type { SocketHub } from '../realtime/socket-hub';
import { toCallSummary } from './call-card';
import type { CallCard } from './call-card';
import { buildCard } from './card-builder';
import type { CardDataLoad } from './card-builder';

/** Tells the consoles about calls: the operator of the call and the team's supervisors. */
export class CallNotifier {
  constructor(
    private readonly db: Db,
    private readonly hub: SocketHub,
    private readonly country: CountryCode,
  ) {}

  /** The screen pop, sent when the call starts ringing for its operator (or waits queued). */
  async card(call: Call, prefetched?: CardDataLoad): Promise<CallCard> {
    const card = await buildCard(this.db, call, this.country, prefetched);
    this.hub.toCallAudience(call.operator_id, call.team_id).emit('call:card', card);

    return card;
  }

  updated(call: Call, previousOperatorId?: string | null): void {
    const summary = toCallSummary(call);
    this.hub.toCallAudience(call.operator_id, call.team_id).emit('call:updated', summary);
    // An operator the call left (re-routed) must drop its card too.
    if (previousOperatorId && previousOperatorId !== call.operator_id) {
      this.hub.toUser(previousOperatorId).emit('call:updated', summary);
    }
  }

  ended(call: Call): void {
    this.hub.toCallAudience(call.operator_id, call.team_id).emit('call:ended', toCallSummary(call));
  }

  buildCard(call: Call): Promise<CallCard> {
    return buildCard(this.db, call, this.country);
  }
}
