import type { Db } from '../../db/database';
import { loadCardData } from '../../db/queries/card';
import type { CardCustomerRef, CardData } from '../../db/queries/card';
import type { Call } from '../../db/schema';
import type { CountryCode } from '../phones/phone-number';
import { formatForReading, normalizePhone } from '../phones/phone-number';
import { toCallSummary } from './call-card';
import type { CallCard, CardCallback, CardCustomer, CardLead, CardPastCall } from './call-card';

const PAST_CALLS = 5;

/** What the card shows of the call's customer, loaded in one query (nothing without one). */
export type CardDataLoad = Promise<CardData | undefined>;

/**
 * Starts loading the customer's side of a card, by id or by the caller's number. The pipeline
 * runs it beside the statement that stores and routes the call, so the two round trips overlap
 * instead of adding up.
 */
export function prefetchCardData(
  db: Db,
  ref: CardCustomerRef | null,
  providerCallId: string,
): CardDataLoad {
  const load = ref ? loadCardData(db, ref, providerCallId, PAST_CALLS) : Promise.resolve(undefined);
  // Awaited later, or never when the call is gone meanwhile: that must not be unhandled.
  load.catch(() => undefined);
  return load;
}

/** Builds the screen pop of a call: one database round trip, or none when prefetched. */
export async function buildCard(
  db: Db,
  call: Call,
  country: CountryCode,
  prefetched?: CardDataLoad,
): Promise<CallCard> {
  let data = prefetched ? await prefetched : undefined;
  // Prefetched by number, it may name someone else (a merge meanwhile): then load by id.
  if (String(data?.customer?.id ?? null) !== String(call.customer_id)) {
    const ref = call.customer_id ? { id: call.customer_id } : null;
    data = await prefetchCardData(db, ref, call.provider_call_id);
  }

  const customer = data?.customer ? cardCustomer(data.customer, data.phones) : null;
  const customerNumber = call.direction === 'inbound' ? call.from_raw : call.to_raw;
  const normalized = normalizePhone(customerNumber, country);

  return {
    call: toCallSummary(call, customer?.name ?? null),
    customer,
    number: {
      raw: customerNumber,
      e164: normalized.e164,
      display: normalized.international ?? customerNumber.trim(),
      valid: normalized.valid,
    },
    lastCalls: (data?.lastCalls ?? []).map(pastCall),
    openLeads: (data?.leads ?? []).map(lead),
    openCallbacks: (data?.callbacks ?? []).map(callback),
  };
}

/* The rows below come from PostgreSQL's to_jsonb of known tables, so their shape is trusted. */
type Row = Record<string, unknown>;
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const iso = (value: unknown): string => new Date(String(value)).toISOString();

function cardCustomer(customer: Row, phones: Row[]): CardCustomer {
  return {
    id: String(customer.id),
    name: String(customer.name ?? ''),
    company: text(customer.company),
    city: text(customer.city),
    lineOfBusiness: text(customer.line_of_business),
    rating: customer.rating as CardCustomer['rating'],
    customFields: (customer.custom_fields ?? {}) as Record<string, unknown>,
    phones: phones.map((phone) => {
      const e164 = text(phone.e164);
      return {
        id: String(phone.id),
        raw: String(phone.raw),
        e164,
        display: e164 ? formatForReading(e164) : String(phone.raw),
        valid: phone.valid === true,
        kind: phone.kind as CardCustomer['phones'][number]['kind'],
      };
    }),
  };
}

function pastCall(call: Row): CardPastCall {
  return {
    id: String(call.id),
    direction: call.direction as CardPastCall['direction'],
    at: iso(call.offered_at),
    operatorName: text(call.operator_name),
    missed: call.missed === true,
    endCause: text(call.end_cause),
    outcome: text(call.outcome),
    outcomeReason: text(call.outcome_reason),
    outcomeNote: text(call.outcome_note),
  };
}

function lead(row: Row): CardLead {
  return {
    id: String(row.id),
    source: row.source as CardLead['source'],
    status: row.status as CardLead['status'],
    hotness: Number(row.hotness),
    title: text(row.title),
    createdAt: iso(row.created_at),
  };
}

function callback(row: Row): CardCallback {
  return {
    id: String(row.id),
    reason: row.reason as CardCallback['reason'],
    dueAt: iso(row.due_at),
    ownerId: text(row.owner_id),
    note: text(row.note),
  };
}
