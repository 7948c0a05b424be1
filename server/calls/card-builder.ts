import type { Db } from '../../db/database';
import { findCustomer } from '../../db/queries/customers';
import { recentCalls } from '../../db/queries/timeline';
import { openCallbacksOf, openLeadsOf } from '../../db/queries/work';
import type { Call } from '../../db/schema';
import type { CountryCode } from '../phones/phone-number';
import { normalizePhone } from '../phones/phone-number';
import {
  toCallSummary,
  toCardCallback,
  toCardCustomer,
  toCardLead,
  toCardPastCall,
} from './call-card';
import type { CallCard } from './call-card';

const PAST_CALLS = 5;

/** Builds the screen pop of a call: four reads, in parallel. */
export async function buildCard(db: Db, call: Call, country: CountryCode): Promise<CallCard> {
  const customerId = call.customer_id;
  const [customer, past, leads, callbacks] = customerId
    ? await Promise.all([
        findCustomer(db, customerId),
        recentCalls(db, customerId, PAST_CALLS + 1),
        openLeadsOf(db, customerId),
        openCallbacksOf(db, customerId),
      ])
    : [undefined, [], [], []];

  const customerNumber = call.direction === 'inbound' ? call.from_raw : call.to_raw;
  const normalized = normalizePhone(customerNumber, country);

  return {
    call: toCallSummary(call),
    customer: customer ? toCardCustomer(customer) : null,
    number: {
      raw: customerNumber,
      e164: normalized.e164,
      display: normalized.international ?? customerNumber.trim(),
      valid: normalized.valid,
    },
    lastCalls: past
      .filter((row) => row.id !== call.id)
      .slice(0, PAST_CALLS)
      .map(toCardPastCall),
    openLeads: leads.map(toCardLead),
    openCallbacks: callbacks.map(toCardCallback),
  };
}
