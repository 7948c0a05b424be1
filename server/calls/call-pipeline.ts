import type { Logger } from 'pino';
import type { Db } from '../../db/database';
import {
  appendCallEvent,
  findCallByProviderId,
  transitionCall,
  upsertOfferedCall,
} from '../../db/queries/calls';
import { insertCallback } from '../../db/queries/work';
import type { Call, CallState } from '../../db/schema';
import type {
  CallAnsweredEvent,
  CallEndedEvent,
  CallOfferedEvent,
  OperatorUnansweredEvent,
  RecordingReadyEvent,
  TelephonyEvent,
  TelephonyProvider,
} from '../../telephony/provider';
import type { RecordingStore } from '../../recordings/recording-store';
import { TelephonyError } from '../../telephony/telephony-error';
import type { CountryCode } from '../phones/phone-number';
import { normalizePhone } from '../phones/phone-number';
import type { UsersService } from '../users/users-service';
import type { CallDispatcher } from './call-dispatcher';
import type { CallNotifier } from './call-notifier';
import { customerLookupOf, identifyCaller } from './caller-identity';
import type { CompanyNumbers } from './caller-identity';
import { KeyedQueue } from './keyed-queue';
import { prefetchCardData } from './card-builder';

export interface CallPipelineDeps {
  db: Db;
  provider: TelephonyProvider;
  users: UsersService;
  notifier: CallNotifier;
  dispatcher: () => CallDispatcher;
  recordings: RecordingStore;
  company: CompanyNumbers;
  country: CountryCode;
  logger: Logger;
}

const NOT_ENDED: CallState[] = ['offered', 'queued', 'ringing', 'answered'];

/**
 * Applies provider events to calls. Events of one call are applied in order; every event is
 * appended to the call's log; each state change is a conditional update, so a duplicate, a late
 * or a replayed event changes nothing.
 */
export class CallPipeline {
  private readonly queue = new KeyedQueue();
  /** Recording copies under way, which the database must outlive. */
  private readonly copies = new Set<Promise<void>>();

  constructor(private readonly deps: CallPipelineDeps) {}

  /** The provider's event sink. Never rejects: a failure is logged with the call's id. */
  handle = async (event: TelephonyEvent): Promise<void> => {
    try {
      await this.queue.run(event.providerCallId, () => this.apply(event));
    } catch (error) {
      this.deps.logger.error(
        { err: error, providerCallId: event.providerCallId, type: event.type },
        'applying a telephony event failed',
      );
    }
  };

  /** Resolves once every event received so far has been applied and its recording copied. */
  async idle(): Promise<void> {
    await this.queue.idle();
    while (this.copies.size > 0) await Promise.all(this.copies);
  }

  /** Runs work on a call in line with its events (API actions use it too). */
  serialize<T>(providerCallId: string, work: () => Promise<T>): Promise<T> {
    return this.queue.run(providerCallId, work);
  }

  private async apply(event: TelephonyEvent): Promise<void> {
    if (event.type === 'call.offered') return this.offered(event);

    const { db, provider } = this.deps;
    const call = await findCallByProviderId(db, provider.name, event.providerCallId);
    if (!call) {
      this.deps.logger.warn(
        { event: event.type, id: event.providerCallId },
        'event of an unknown call',
      );
      return;
    }

    await appendCallEvent(db, {
      callId: call.id,
      type: event.type,
      at: event.at,
      payload: payloadOf(event),
    });

    switch (event.type) {
      case 'call.ringing':
        await transitionCall(db, call.id, ['ringing'], { ringing_at: event.at });
        return;
      case 'call.answered':
        return this.answered(call, event);
      case 'operator.unanswered':
        return this.unanswered(call, event);
      case 'call.ended':
        return this.ended(call, event);
      case 'recording.ready':
        return this.recordingReady(call, event);
    }
  }

  private async offered(event: CallOfferedEvent): Promise<void> {
    const { db, provider, country, company, users } = this.deps;
    const from = normalizePhone(event.from, country);
    const to = normalizePhone(event.to, country);
    const caller = event.direction === 'inbound' ? from : to;
    const lookup = customerLookupOf(caller, company);

    // One statement stores the call, logs the event, finds a known caller's customer and
    // routes their call; the card's data loads beside it, by the caller's number.
    const cardData = prefetchCardData(db, lookup && { phone: lookup }, event.providerCallId);
    const offer = await upsertOfferedCall(
      db,
      {
        provider: provider.name,
        providerCallId: event.providerCallId,
        direction: event.direction,
        fromRaw: event.from,
        fromE164: from.e164,
        toRaw: event.to,
        toE164: to.e164,
        at: event.at,
        eventType: event.type,
        payload: payloadOf(event),
      },
      { caller: lookup, routeKnown: event.direction === 'inbound' },
    );
    if (!offer.created) {
      // A duplicate racing the first delivery on another node may have claimed an operator.
      if (offer.operator) await users.movePresence(offer.operator.id, 'available', ['ringing']);
      return;
    }
    if (offer.call.state !== 'offered') {
      await this.deps.dispatcher().present(offer.call, offer.operator, cardData);
      return;
    }

    const { call } = offer;
    const identity = await identifyCaller(db, caller, {
      teamId: call.team_id,
      callId: call.id,
      company,
      known: offer.knownCustomerId,
    });

    await this.deps.dispatcher().assign({
      ...call,
      customer_id: identity.customerId,
      lead_id: identity.leadId,
    });
  }

  private async answered(call: Call, event: CallAnsweredEvent): Promise<void> {
    const answered = await transitionCall(this.deps.db, call.id, ['offered', 'queued', 'ringing'], {
      state: 'answered',
      answered_at: event.at,
    });
    if (!answered) return;

    if (answered.operator_id) {
      await this.deps.users.movePresence(answered.operator_id, 'on_call', ['ringing', 'available']);
    }
    this.deps.notifier.updated(answered);
  }

  /** The operator did not pick up: they go away (so they are not rung again) and the call moves on. */
  private async unanswered(call: Call, event: OperatorUnansweredEvent): Promise<void> {
    const { db, users } = this.deps;
    const released = await transitionCall(db, call.id, ['ringing'], {
      state: 'offered',
      operator_id: null,
      ringing_at: null,
    });
    if (!released) return;

    if (call.operator_id) await users.movePresence(call.operator_id, 'away', ['ringing']);
    this.deps.notifier.updated(released, call.operator_id);
    this.deps.logger.info(
      { callId: call.id, endpoint: event.endpoint, reason: event.reason },
      'operator did not answer; routing the call again',
    );
    await this.deps.dispatcher().assign(released);
  }

  /**
   * Connecting the operator failed. A temporary provider failure (Asterisk unreachable, slow)
   * is not the operator's fault: they stay available and the caller waits queued until the
   * provider is back (`dispatchWaiting` after the reconnect). A permanent one (a broken
   * endpoint) is treated like a phone nobody picks up.
   */
  connectFailed(call: Call, endpoint: string, error: unknown): Promise<void> {
    const temporary = error instanceof TelephonyError && error.temporary;
    if (!temporary) {
      return this.handle({
        type: 'operator.unanswered',
        providerCallId: call.provider_call_id,
        endpoint,
        reason: 'failed',
        at: new Date(),
      });
    }

    return this.serialize(call.provider_call_id, async () => {
      const { db, users } = this.deps;
      const queued = await transitionCall(db, call.id, ['ringing'], {
        state: 'queued',
        operator_id: null,
        ringing_at: null,
      });
      if (!queued) return;

      if (call.operator_id) await users.movePresence(call.operator_id, 'available', ['ringing']);
      this.deps.notifier.updated(queued, call.operator_id);
    }).catch((failure: unknown) => {
      this.deps.logger.error({ err: failure, callId: call.id }, 'requeueing a call failed');
    });
  }

  private async ended(call: Call, event: CallEndedEvent): Promise<void> {
    const { db } = this.deps;
    const missed = call.answered_at === null;
    // A provider that only learns of the answer from another leg may call it abandoned.
    const cause = event.cause === 'abandoned' && !missed ? 'completed' : event.cause;
    const ended = await transitionCall(db, call.id, NOT_ENDED, {
      state: 'ended',
      ended_at: event.at,
      end_cause: cause,
      missed,
    });
    if (!ended) return;

    if (missed && ended.customer_id && ended.direction === 'inbound') {
      await insertCallback(db, {
        customerId: ended.customer_id,
        callId: ended.id,
        teamId: ended.team_id,
        ownerId: null,
        reason: 'missed_call',
        dueAt: event.at,
      });
    }

    await this.releaseOperator(ended);
    this.deps.notifier.ended(ended);
  }

  /**
   * After a call: an operator who talked owes the outcome (wrap-up) unless they already gave
   * it; one whose phone only rang is free again and may take a queued call.
   */
  private async releaseOperator(call: Call): Promise<void> {
    if (!call.operator_id) return;

    const { users } = this.deps;
    const owesOutcome = call.answered_at !== null && call.outcome === null;
    const next = owesOutcome ? 'wrap_up' : 'available';
    const user = await users.movePresence(call.operator_id, next, ['ringing', 'on_call']);
    if (user?.status === 'available') await this.deps.dispatcher().dispatchQueued(user);
  }

  private async recordingReady(call: Call, event: RecordingReadyEvent): Promise<void> {
    const { provider, recordings } = this.deps;
    // Copying can take a while and retries; it must not hold up the call's other events. It is
    // tracked so that the server does not close the database under a copy (that close hangs).
    const copy: Promise<void> = recordings
      .store(call.id, {
        provider: provider.name,
        providerRecordingId: event.recordingId,
        format: event.format,
        durationSeconds: event.durationSeconds ?? null,
        open: () => provider.fetchRecording(event.recordingId),
      })
      .then(
        () => this.deps.notifier.updated(call),
        (error: unknown) =>
          this.deps.logger.error(
            { err: error, callId: call.id },
            'the recording could not be stored',
          ),
      )
      .finally(() => this.copies.delete(copy));
    this.copies.add(copy);
  }
}

function payloadOf(event: TelephonyEvent): Record<string, unknown> {
  const { raw, at: _at, providerCallId, ...fields } = event;
  return { ...fields, providerCallId, ...(raw === undefined ? {} : { raw }) };
}
