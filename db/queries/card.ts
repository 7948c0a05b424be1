import { sql } from 'kysely';
import type { Db } from '../database';
import { customerByPhone } from './customers';
import type { PhoneLookup } from './customers';

/** Rows as PostgreSQL's to_jsonb writes them: timestamps are ISO strings. */
type JsonRow = Record<string, unknown>;

export interface CardData {
  customer: JsonRow | null;
  phones: JsonRow[];
  lastCalls: JsonRow[];
  leads: JsonRow[];
  callbacks: JsonRow[];
}

/** Which customer a card is about: by id, or whoever owns a typed number. */
export type CardCustomerRef = { id: string } | { phone: PhoneLookup };

/**
 * Everything a screen pop shows about a customer in one round trip: the customer, their phones,
 * their last calls (without the current one) with the operator's name, open leads and open
 * callbacks. The pop is on the hot path of every call, so it pays one round trip, not five; by
 * phone it can even run before the call's own row exists, beside the statement that stores it.
 */
export async function loadCardData(
  db: Db,
  ref: CardCustomerRef,
  currentProviderCallId: string,
  lastCalls: number,
): Promise<CardData> {
  const target =
    'id' in ref
      ? sql`SELECT ${ref.id}::uuid AS id`
      : sql`SELECT (${customerByPhone(ref.phone)}) AS id`;
  const result = await sql<CardData>`
    WITH target AS (${target})
    SELECT
      (SELECT to_jsonb(c) - 'search_text' FROM customers c, target WHERE c.id = target.id)
        AS customer,
      (SELECT coalesce(jsonb_agg(to_jsonb(p) ORDER BY p.created_at, p.id), '[]')
         FROM customer_phones p, target WHERE p.customer_id = target.id) AS phones,
      (SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY x.offered_at DESC), '[]') FROM (
         SELECT k.id, k.direction, k.offered_at, k.missed, k.end_cause, k.outcome,
                k.outcome_reason, k.outcome_note, u.name AS operator_name
           FROM target, calls k LEFT JOIN users u ON u.id = k.operator_id
          WHERE k.customer_id = target.id AND k.provider_call_id <> ${currentProviderCallId}
          ORDER BY k.offered_at DESC
          LIMIT ${lastCalls}) x) AS "lastCalls",
      (SELECT coalesce(jsonb_agg(to_jsonb(l) ORDER BY l.created_at DESC), '[]') FROM (
         SELECT leads.* FROM leads, target
          WHERE customer_id = target.id AND status IN ('new', 'in_progress', 'postponed')
          ORDER BY created_at DESC LIMIT 20) l) AS leads,
      (SELECT coalesce(jsonb_agg(to_jsonb(b) ORDER BY b.due_at), '[]') FROM (
         SELECT callbacks.* FROM callbacks, target
          WHERE customer_id = target.id AND done_at IS NULL
          ORDER BY due_at LIMIT 20) b) AS callbacks
  `.execute(db);

  const row = result.rows[0];
  if (!row) throw new Error('loadCardData: no row');
  return row;
}
