import type { Db } from '../../db/database';
import {
  activeCallsOfOperator,
  findCall,
  listCalls,
  liveCallsOfTeam,
  owesOutcome,
  setOutcome,
  upsertOfferedCall,
  updateCall,
} from '../../db/queries/calls';
import { findCustomer } from '../../db/queries/customers';
import { insertCallback, setLeadStatus } from '../../db/queries/work';
import type { Call, Outcome } from '../../db/schema';
import type { TelephonyProvider } from '../../telephony/provider';
import { requireTeamAccess } from '../auth/access';
import type { Actor } from '../auth/access';
import { AppError } from '../errors/app-error';
import type { CountryCode } from '../phones/phone-number';
import { normalizePhone } from '../phones/phone-number';
import type { ChosenPresence, UsersService } from '../users/users-service';
import { toCallSummary } from './call-card';
import type { CallCard, CallSummary } from './call-card';
import type { CallDispatcher } from './call-dispatcher';
import type { CallNotifier } from './call-notifier';
import type { CallPipeline } from './call-pipeline';

export interface OutcomeInput {
  outcome: Outcome;
  reason?: string;
  note?: string;
  callbackAt?: Date;
}

const LEAD_STATUS_OF: Record<Outcome, 'in_progress' | 'lost' | 'postponed'> = {
  result: 'in_progress',
  refusal: 'lost',
  postponed: 'postponed',
};

/** What operators and supervisors do with calls through the API. */
export class CallsService {
  constructor(
    private readonly db: Db,
    private readonly provider: TelephonyProvider,
    private readonly pipeline: CallPipeline,
    private readonly dispatcher: CallDispatcher,
    private readonly notifier: CallNotifier,
    private readonly users: UsersService,
    private readonly country: CountryCode,
  ) {}

  async get(actor: Actor, id: string): Promise<Call> {
    const call = await findCall(this.db, id);
    if (!call) throw new AppError('NOT_FOUND', { message: 'No such call.' });

    requireTeamAccess(actor, call.team_id);
    return call;
  }

  /** A call by id, without an access check (for the server's own use). */
  async getById(id: string): Promise<Call | undefined> {
    return findCall(this.db, id);
  }

  /** The cards a console should show now: the operator's own, or the team's live calls. */
  async activeCards(actor: Actor): Promise<CallCard[]> {
    const calls =
      actor.role === 'operator'
        ? await activeCallsOfOperator(this.db, actor.id)
        : await liveCallsOfTeam(this.db, actor.role === 'admin' ? 'all' : actor.team_id);
    return Promise.all(calls.map((call) => this.notifier.buildCard(call)));
  }

  async list(
    actor: Actor,
    options: { scope: 'mine' | 'team' | 'missed'; limit: number },
  ): Promise<CallSummary[]> {
    const teamId = actor.role === 'admin' ? undefined : actor.team_id;
    const since = new Date(Date.now() - 7 * 24 * 3600_000);
    const calls = await listCalls(this.db, {
      limit: options.limit,
      ...(options.scope === 'mine' ? { operatorId: actor.id } : { teamId }),
      ...(options.scope === 'missed' ? { missed: true, since } : {}),
    });
    return calls.map((call) => toCallSummary(call, call.customer_name));
  }

  /** Only the operator the call rings for can pick it up (where the provider allows it). */
  async answer(actor: Actor, id: string): Promise<void> {
    const call = await this.get(actor, id);
    if (call.operator_id !== actor.id) {
      throw new AppError('FORBIDDEN', { message: 'This call is not ringing for you.' });
    }
    await this.act(() => this.provider.answer?.(call.provider_call_id));
  }

  async hangup(actor: Actor, id: string): Promise<void> {
    const call = await this.ownCall(actor, id);
    await this.act(() => this.provider.hangup(call.provider_call_id));
  }

  /**
   * Records the outcome of an answered call. Until it is given the operator stays in wrap-up
   * and is offered no call; once given, they are free and may take a queued caller at once.
   */
  async recordOutcome(actor: Actor, id: string, input: OutcomeInput): Promise<CallSummary> {
    const call = await this.ownCall(actor, id);
    if (call.answered_at === null) {
      throw new AppError('CALL_STATE', { message: 'Only an answered call has an outcome.' });
    }

    const done = await setOutcome(this.db, call.id, {
      outcome: input.outcome,
      reason: input.reason ?? null,
      note: input.note ?? null,
    });
    if (!done) throw new AppError('CONFLICT', { message: 'This call already has its outcome.' });

    await this.followUp(done, input);
    this.notifier.updated(done);

    if (
      done.state === 'ended' &&
      done.operator_id &&
      !(await owesOutcome(this.db, done.operator_id))
    ) {
      const operator = await this.users.movePresence(done.operator_id, 'available', ['wrap_up']);
      if (operator) await this.dispatcher.dispatchQueued(operator);
    }
    return toCallSummary(done);
  }

  private async followUp(call: Call, input: OutcomeInput): Promise<void> {
    if (call.lead_id) await setLeadStatus(this.db, call.lead_id, LEAD_STATUS_OF[input.outcome]);

    if (input.outcome === 'postponed' && input.callbackAt && call.customer_id) {
      await insertCallback(this.db, {
        customerId: call.customer_id,
        callId: call.id,
        teamId: call.team_id,
        ownerId: call.operator_id,
        reason: 'postponed',
        dueAt: input.callbackAt,
        note: input.note ?? null,
      });
    }
  }

  /** The operator's presence choice; going available first requires every owed outcome. */
  async choosePresence(actor: Actor, status: ChosenPresence) {
    if (status === 'available' && (await owesOutcome(this.db, actor.id))) {
      throw new AppError('OUTCOME_REQUIRED');
    }

    const user = await this.users.choosePresence(actor, status);
    if (user.status === 'available') await this.dispatcher.dispatchQueued(user);
    return user;
  }

  /** Click-to-dial: rings the operator, then the customer's number. */
  async originate(
    actor: Actor,
    input: { number: string; customerId?: string },
  ): Promise<CallSummary> {
    if (!actor.endpoint) {
      throw new AppError('VALIDATION_FAILED', { message: 'You have no telephony endpoint set.' });
    }
    if (await owesOutcome(this.db, actor.id)) throw new AppError('OUTCOME_REQUIRED');

    const phone = normalizePhone(input.number, this.country);
    if (!phone.e164) {
      throw new AppError('VALIDATION_FAILED', { message: 'This number cannot be dialled.' });
    }
    const customer = input.customerId ? await findCustomer(this.db, input.customerId) : undefined;
    if (input.customerId && !customer)
      throw new AppError('NOT_FOUND', { message: 'No such customer.' });
    if (customer) requireTeamAccess(actor, customer.team_id);

    const endpoint = actor.endpoint;
    const { providerCallId } = await this.act(() =>
      this.provider.originate({ endpoint, to: phone.e164 ?? '' }),
    );
    return this.pipeline.serialize(providerCallId, async () => {
      const { call } = await upsertOfferedCall(this.db, {
        provider: this.provider.name,
        providerCallId,
        direction: 'outbound',
        fromRaw: endpoint,
        fromE164: null,
        toRaw: input.number,
        toE164: phone.e164,
        at: new Date(),
        eventType: 'originate',
        payload: { endpoint, to: phone.e164, byUserId: actor.id },
      });
      const placed = await updateCall(this.db, call.id, {
        state: 'ringing',
        operator_id: actor.id,
        team_id: customer?.team_id ?? actor.team_id,
        customer_id: customer?.id ?? null,
        routing_reason: 'click-to-dial',
        ringing_at: new Date(),
      });
      if (!placed) throw new AppError('INTERNAL');
      await this.users.movePresence(actor.id, 'ringing', ['available', 'away', 'offline']);
      await this.notifier.card(placed);
      return toCallSummary(placed);
    });
  }

  /** A call the actor works: their own, or any of the team for supervisors and admins. */
  private async ownCall(actor: Actor, id: string): Promise<Call> {
    const call = await this.get(actor, id);
    if (actor.role === 'operator' && call.operator_id !== actor.id) {
      throw new AppError('FORBIDDEN', { message: 'This call is not yours.' });
    }
    return call;
  }

  private async act<T>(work: () => Promise<T> | undefined): Promise<T> {
    const pending = work();
    if (pending === undefined) throw new AppError('NOT_SUPPORTED');
    return pending;
  }
}
