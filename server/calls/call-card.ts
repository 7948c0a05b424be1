import type { Callback, Call, CustomerPhone, Lead } from '../../db/schema';
import { formatForReading } from '../phones/phone-number';

/** A number as it came and as it reads. */
export interface CallNumber {
  raw: string;
  e164: string | null;
  display: string;
}

/** A call as the console shows it. Dates are ISO strings. */
export interface CallSummary {
  id: string;
  provider: string;
  providerCallId: string;
  direction: 'inbound' | 'outbound';
  state: Call['state'];
  from: CallNumber;
  to: CallNumber;
  customerId: string | null;
  /** The customer's name where the sender had it at hand (cards, lists); null elsewhere. */
  customerName: string | null;
  teamId: string | null;
  operatorId: string | null;
  leadId: string | null;
  routingReason: string | null;
  offeredAt: string;
  ringingAt: string | null;
  answeredAt: string | null;
  endedAt: string | null;
  endCause: string | null;
  missed: boolean;
  outcome: Call['outcome'];
  outcomeReason: string | null;
  outcomeNote: string | null;
}

export interface CardCustomer {
  id: string;
  name: string;
  company: string | null;
  city: string | null;
  lineOfBusiness: string | null;
  rating: 'good' | 'bad' | 'unknown';
  customFields: Record<string, unknown>;
  phones: {
    id: string;
    raw: string;
    e164: string | null;
    display: string;
    valid: boolean;
    kind: CustomerPhone['kind'];
  }[];
}

export interface CardPastCall {
  id: string;
  direction: 'inbound' | 'outbound';
  at: string;
  operatorName: string | null;
  missed: boolean;
  endCause: string | null;
  outcome: string | null;
  outcomeReason: string | null;
  outcomeNote: string | null;
}

export interface CardLead {
  id: string;
  source: Lead['source'];
  status: Lead['status'];
  hotness: number;
  title: string | null;
  createdAt: string;
}

export interface CardCallback {
  id: string;
  reason: Callback['reason'];
  dueAt: string;
  ownerId: string | null;
  note: string | null;
}

/** The screen pop: everything the operator needs before saying hello. */
export interface CallCard {
  call: CallSummary;
  /** The customer, or null for a caller the CRM could not attach to anybody. */
  customer: CardCustomer | null;
  /** The caller's number, normalized, whether or not a customer was found. */
  number: CallNumber & { valid: boolean };
  lastCalls: CardPastCall[];
  openLeads: CardLead[];
  openCallbacks: CardCallback[];
}

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

export function callNumber(raw: string, e164: string | null): CallNumber {
  return { raw, e164, display: e164 ? formatForReading(e164) : raw };
}

/**
 * The console's view of a call row. `customerName` comes from a join or the card's customer;
 * senders that only have the row leave it null.
 */
export function toCallSummary(call: Call, customerName: string | null = null): CallSummary {
  return {
    id: call.id,
    provider: call.provider,
    providerCallId: call.provider_call_id,
    direction: call.direction,
    state: call.state,
    from: callNumber(call.from_raw, call.from_e164),
    to: callNumber(call.to_raw, call.to_e164),
    customerId: call.customer_id,
    customerName,
    teamId: call.team_id,
    operatorId: call.operator_id,
    leadId: call.lead_id,
    routingReason: call.routing_reason,
    offeredAt: call.offered_at.toISOString(),
    ringingAt: iso(call.ringing_at),
    answeredAt: iso(call.answered_at),
    endedAt: iso(call.ended_at),
    endCause: call.end_cause,
    missed: call.missed,
    outcome: call.outcome,
    outcomeReason: call.outcome_reason,
    outcomeNote: call.outcome_note,
  };
}
