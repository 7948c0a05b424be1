import type { Logger } from 'pino';
import type { Db } from '../../db/database';
import { claimQueuedCall } from '../../db/queries/calls';
import { assignCall, availableOperators } from '../../db/queries/routing';
import type { Assignment } from '../../db/queries/routing';
import type { PublicUser } from '../../db/queries/users';
import type { Call } from '../../db/schema';
import type { TelephonyProvider } from '../../telephony/provider';
import type { UsersService } from '../users/users-service';
import type { CallNotifier } from './call-notifier';
import { prefetchCardData } from './card-builder';
import type { CardDataLoad } from './card-builder';

/**
 * The one place that decides who takes a call, claiming them in the same statement that moves
 * the call. For now: the available operator of the call's team who has been idle longest (the
 * routing issue replaces the inside of this function). Undefined when the call is not offered.
 */
export async function chooseOperator(db: Db, call: Call): Promise<Assignment | undefined> {
  return assignCall(db, {
    callId: call.id,
    teamId: call.team_id,
    customerId: call.customer_id,
    leadId: call.lead_id,
    reason: 'longest idle available operator of the team',
  });
}

/** Puts calls in front of operators: at once when one is free, else in the team's queue. */
export class CallDispatcher {
  constructor(
    private readonly db: Db,
    private readonly provider: TelephonyProvider,
    private readonly users: UsersService,
    private readonly notifier: CallNotifier,
    private readonly logger: Logger,
    /** Called when connecting to the operator failed, so the pipeline can re-route. */
    private readonly onConnectFailed: (call: Call, endpoint: string, error: unknown) => void,
  ) {}

  /**
   * Rings an operator for an offered call (with the customer and lead it was identified as),
   * or queues it when nobody is free; supervisors see a queued call's card too.
   */
  async assign(call: Call): Promise<Call> {
    const ref = call.customer_id ? { id: call.customer_id } : null;
    const cardData = prefetchCardData(this.db, ref, call.provider_call_id);
    const assignment = await chooseOperator(this.db, call);
    if (!assignment) return call;

    if (!assignment.operator) {
      await this.notifier.card(assignment.call, cardData);
      return assignment.call;
    }

    await this.ring(assignment.call, assignment.operator, cardData);
    return assignment.call;
  }

  /**
   * Shows a call the first statement already routed: rings its operator, or (queued) shows
   * the card to the supervisors.
   */
  async present(call: Call, operator: PublicUser | undefined, cardData: CardDataLoad) {
    if (operator) await this.ring(call, operator, cardData);
    else await this.notifier.card(call, cardData);
  }

  /** Gives a newly available operator the longest-waiting queued call of their team. */
  async dispatchQueued(operator: PublicUser): Promise<Call | undefined> {
    if (operator.role !== 'operator' || !operator.endpoint) return undefined;

    const call = await claimQueuedCall(
      this.db,
      { id: operator.id, teamId: operator.team_id },
      'first available operator for a queued call',
    );
    if (!call) return undefined;

    const ringingOperator = {
      ...operator,
      status: 'ringing' as const,
      status_changed_at: new Date(),
    };
    await this.ring(call, ringingOperator);
    return call;
  }

  /** Hands queued calls to every available operator (after the provider comes back). */
  async dispatchWaiting(): Promise<number> {
    let handed = 0;
    for (const operator of await availableOperators(this.db)) {
      if (await this.dispatchQueued(operator)) handed += 1;
    }
    return handed;
  }

  private async ring(call: Call, operator: PublicUser, cardData?: CardDataLoad): Promise<void> {
    this.users.announce(operator);
    await this.notifier.card(call, cardData);

    const endpoint = operator.endpoint ?? '';
    this.provider.connect(call.provider_call_id, endpoint).catch((error: unknown) => {
      this.logger.warn({ err: error, callId: call.id, endpoint }, 'connecting the operator failed');
      this.onConnectFailed(call, endpoint, error);
    });
  }
}
