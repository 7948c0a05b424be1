import { sql } from 'kysely';
import type { Db } from '../database';
import { customerByPhone } from './customers';
import type { PhoneLookup } from './customers';
import { claimOperator, ROUTING_REASON, userFromJson } from './routing';
import type { PublicUser } from './users';
import type { Call, CallState, CallsTable, Outcome } from '../schema';
import type { Updateable } from 'kysely';

export interface OfferedCall {
  provider: string;
  providerCallId: string;
  direction: 'inbound' | 'outbound';
  fromRaw: string;
  fromE164: string | null;
  toRaw: string;
  toE164: string | null;
  at: Date;
  /** The provider event, appended to the call's log in the same statement. */
  eventType: string;
  payload: Record<string, unknown>;
}

export interface OfferResult {
  call: Call;
  /** False when (provider, provider call id) existed: a repeated or replayed offer. */
  created: boolean;
  /** The customer owning the caller's number, when it was looked up and found. */
  knownCustomerId: string | null;
  /** The operator claimed for the call in the same statement (`routeKnown`). */
  operator: PublicUser | undefined;
}

/**
 * A call's first statement: inserts the call unless (provider, provider call id) exists,
 * appends the event either way, looks the caller's customer up, and, with `routeKnown`, routes
 * a known customer's call at once (claims an operator: `ringing`; nobody free: `queued`). One
 * round trip for the common case; other callers stay `offered` for the slower path.
 */
export async function upsertOfferedCall(
  db: Db,
  offer: OfferedCall,
  options: { caller?: PhoneLookup | null; routeKnown?: boolean } = {},
): Promise<OfferResult> {
  const known = options.caller ? customerByPhone(options.caller) : sql`SELECT NULL::uuid`;
  const route = options.routeKnown === true && Boolean(options.caller);
  const result = await sql<
    Call & {
      created: boolean;
      known_customer_id: string | null;
      operator: Record<string, unknown> | null;
    }
  >`
    WITH existing AS (
      SELECT id FROM calls
       WHERE provider = ${offer.provider} AND provider_call_id = ${offer.providerCallId}
    ), team AS (
      -- Until numbers map to teams, calls land in the oldest team.
      SELECT (SELECT id FROM teams ORDER BY created_at LIMIT 1) AS id
    ), known AS (
      SELECT (${known}) AS id
    ), chosen AS (
      ${claimOperator(
        sql`(SELECT id FROM team)`,
        sql`${route}::boolean AND NOT EXISTS (SELECT 1 FROM existing)
            AND (SELECT id FROM known) IS NOT NULL`,
      )}
    ), inserted AS (
      INSERT INTO calls (provider, provider_call_id, direction, from_raw, from_e164, to_raw,
                         to_e164, offered_at, team_id, customer_id, state, operator_id,
                         routing_reason, ringing_at)
      SELECT ${offer.provider}, ${offer.providerCallId}, ${offer.direction}, ${offer.fromRaw},
             ${offer.fromE164}, ${offer.toRaw}, ${offer.toE164}, ${offer.at}::timestamptz,
             (SELECT id FROM team),
             CASE WHEN ${route}::boolean THEN (SELECT id FROM known) END,
             CASE WHEN EXISTS (SELECT 1 FROM chosen) THEN 'ringing'
                  WHEN ${route}::boolean AND (SELECT id FROM known) IS NOT NULL THEN 'queued'
                  ELSE 'offered' END,
             (SELECT id FROM chosen),
             CASE WHEN EXISTS (SELECT 1 FROM chosen) THEN ${ROUTING_REASON} END,
             CASE WHEN EXISTS (SELECT 1 FROM chosen) THEN now() END
      ON CONFLICT (provider, provider_call_id) DO NOTHING
      RETURNING *, true AS created
    ), offered AS (
      SELECT * FROM inserted
      UNION ALL
      SELECT *, false AS created FROM calls
       WHERE provider = ${offer.provider} AND provider_call_id = ${offer.providerCallId}
         AND NOT EXISTS (SELECT 1 FROM inserted)
    ), logged AS (
      INSERT INTO call_events (call_id, type, at, payload)
      SELECT id, ${offer.eventType}, ${offer.at}::timestamptz, ${offer.payload}::jsonb
        FROM offered
    )
    SELECT offered.*, (SELECT id FROM known) AS known_customer_id,
           (SELECT to_jsonb(chosen) - 'password_hash' FROM chosen) AS operator
      FROM offered
  `.execute(db);

  const row = result.rows[0];
  if (!row) throw new Error('upsertOfferedCall: the call neither inserted nor found');
  const { created, known_customer_id: knownCustomerId, operator, ...call } = row;
  return {
    call,
    created,
    knownCustomerId,
    operator: operator ? userFromJson(operator) : undefined,
  };
}

export async function appendCallEvent(
  db: Db,
  event: { callId: string; type: string; at: Date; payload: Record<string, unknown> },
): Promise<void> {
  await db
    .insertInto('call_events')
    .values({ call_id: event.callId, type: event.type, at: event.at, payload: event.payload })
    .execute();
}

export async function findCall(db: Db, id: string): Promise<Call | undefined> {
  return db.selectFrom('calls').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findCallByProviderId(
  db: Db,
  provider: string,
  providerCallId: string,
): Promise<Call | undefined> {
  return db
    .selectFrom('calls')
    .selectAll()
    .where('provider', '=', provider)
    .where('provider_call_id', '=', providerCallId)
    .executeTakeFirst();
}

/**
 * Moves a call if it is in one of the `from` states: the conditional update is what makes a
 * late or repeated event harmless, on any number of nodes.
 */
export async function transitionCall(
  db: Db,
  id: string,
  from: readonly CallState[],
  changes: Updateable<CallsTable>,
): Promise<Call | undefined> {
  return db
    .updateTable('calls')
    .set({ ...changes, updated_at: sql`now()` })
    .where('id', '=', id)
    .where('state', 'in', from)
    .returningAll()
    .executeTakeFirst();
}

export async function updateCall(
  db: Db,
  id: string,
  changes: Updateable<CallsTable>,
): Promise<Call | undefined> {
  return db
    .updateTable('calls')
    .set({ ...changes, updated_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Records the outcome once: a second submission finds the call already done. */
export async function setOutcome(
  db: Db,
  id: string,
  outcome: { outcome: Outcome; reason: string | null; note: string | null },
): Promise<Call | undefined> {
  return db
    .updateTable('calls')
    .set({
      outcome: outcome.outcome,
      outcome_reason: outcome.reason,
      outcome_note: outcome.note,
      outcome_at: sql`now()`,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .where('outcome', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/** Calls of a provider that are not over, for reconciliation after a reconnect. */
export async function openCallsOf(db: Db, provider: string): Promise<Call[]> {
  return db
    .selectFrom('calls')
    .selectAll()
    .where('provider', '=', provider)
    .where('state', '<>', 'ended')
    .execute();
}

/**
 * The calls whose card an operator should see now: ringing or talking to them, or ended and
 * still owing an outcome.
 */
export async function activeCallsOfOperator(db: Db, operatorId: string): Promise<Call[]> {
  return db
    .selectFrom('calls')
    .selectAll()
    .where('operator_id', '=', operatorId)
    .where((eb) =>
      eb.or([
        eb('state', 'in', ['ringing', 'answered']),
        eb.and([
          eb('state', '=', 'ended'),
          eb('answered_at', 'is not', null),
          eb('outcome', 'is', null),
        ]),
      ]),
    )
    .orderBy('offered_at')
    .execute();
}

/** Calls not over yet, of a team (or of every team), for supervisors' consoles. */
export async function liveCallsOfTeam(db: Db, teamId: string | null | 'all'): Promise<Call[]> {
  let query = db.selectFrom('calls').selectAll().where('state', '<>', 'ended');
  if (teamId !== 'all') query = query.where('team_id', 'is not distinct from', teamId);

  return query.orderBy('offered_at').limit(200).execute();
}

/** Whether an operator still owes the outcome of an answered call. */
export async function owesOutcome(db: Db, operatorId: string): Promise<boolean> {
  const row = await db
    .selectFrom('calls')
    .select('id')
    .where('operator_id', '=', operatorId)
    .where('state', '=', 'ended')
    .where('answered_at', 'is not', null)
    .where('outcome', 'is', null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Hands the longest-waiting queued call of the team to an available operator, moving both in
 * one statement: the operator only leaves `available` when there is a call, and SKIP LOCKED
 * keeps two nodes from handing one caller to two operators.
 */
export async function claimQueuedCall(
  db: Db,
  operator: { id: string; teamId: string | null },
  reason: string,
): Promise<Call | undefined> {
  const result = await sql<Call>`
    WITH waiting AS (
      SELECT id FROM calls
       WHERE state = 'queued'
         AND (team_id IS NULL OR team_id IS NOT DISTINCT FROM ${operator.teamId}::uuid)
       ORDER BY offered_at
       LIMIT 1
       FOR UPDATE SKIP LOCKED
    ), operator AS (
      UPDATE users SET status = 'ringing', status_changed_at = now()
       WHERE id = ${operator.id} AND status = 'available' AND active
         AND EXISTS (SELECT 1 FROM waiting)
      RETURNING id
    )
    UPDATE calls SET state = 'ringing', operator_id = operator.id,
                     routing_reason = ${reason}, ringing_at = now(), updated_at = now()
      FROM waiting, operator
     WHERE calls.id = waiting.id
    RETURNING calls.*
  `.execute(db);
  return result.rows[0];
}

export interface CallListFilter {
  teamId?: string | null;
  operatorId?: string;
  missed?: boolean;
  since?: Date;
  limit: number;
}

/** A listed call with its customer's name, for lists that show who called. */
export type ListedCall = Call & { customer_name: string | null };

export async function listCalls(db: Db, filter: CallListFilter): Promise<ListedCall[]> {
  let query = db
    .selectFrom('calls')
    .leftJoin('customers', 'customers.id', 'calls.customer_id')
    .selectAll('calls')
    .select('customers.name as customer_name');
  if (filter.teamId !== undefined)
    query = query.where('calls.team_id', 'is not distinct from', filter.teamId);
  if (filter.operatorId) query = query.where('calls.operator_id', '=', filter.operatorId);
  if (filter.missed !== undefined) query = query.where('calls.missed', '=', filter.missed);
  if (filter.since) query = query.where('calls.offered_at', '>=', filter.since);

  return query.orderBy('calls.offered_at', 'desc').limit(filter.limit).execute();
}
