import type { Db } from '../../db/database';
import { findCustomerIdByPhone, insertCustomer } from '../../db/queries/customers';
import { insertLead } from '../../db/queries/work';
import type { Config } from '../config/config';
import { normalizePhone } from '../phones/phone-number';
import type { NormalizedPhone } from '../phones/phone-number';

export interface CallerIdentity {
  customerId: string | null;
  leadId: string | null;
  /** True when this call created the customer. */
  isNew: boolean;
  /** The company's own number or an internal extension: never a customer. */
  internal: boolean;
}

/**
 * Tells company numbers and internal extensions apart from customers, so colleagues calling
 * each other never become leads.
 */
export class CompanyNumbers {
  private readonly own: Set<string>;

  constructor(
    private readonly config: Pick<
      Config,
      'ownNumbers' | 'defaultCountry' | 'internalExtensionMaxDigits'
    >,
  ) {
    this.own = new Set(
      config.ownNumbers.map(
        (number) => normalizePhone(number, config.defaultCountry).e164 ?? number,
      ),
    );
  }

  includes(phone: NormalizedPhone): boolean {
    if (phone.e164 && this.own.has(phone.e164)) return true;

    return phone.digits.length > 0 && phone.digits.length <= this.config.internalExtensionMaxDigits;
  }
}

/**
 * Finds the customer a caller is by any of their numbers, or creates a new customer with a new
 * lead. A caller without a usable number (anonymous, empty) gets no customer: the call still
 * lands, and the operator can attach it.
 */
export async function identifyCaller(
  db: Db,
  phone: NormalizedPhone,
  context: {
    teamId: string | null;
    callId: string;
    company: CompanyNumbers;
    /** The customer already found for this number in the call's first statement, if looked up. */
    known?: string | null;
  },
): Promise<CallerIdentity> {
  if (context.company.includes(phone)) {
    return { customerId: null, leadId: null, isNew: false, internal: true };
  }
  if (phone.digits.length === 0) {
    return { customerId: null, leadId: null, isNew: false, internal: false };
  }

  const existing =
    context.known !== undefined
      ? context.known
      : await findCustomerIdByPhone(db, { e164: phone.e164, digits: phone.digits });
  if (existing) return { customerId: existing, leadId: null, isNew: false, internal: false };

  const customer = await insertCustomer(db, { team_id: context.teamId }, [
    {
      raw: phone.raw,
      e164: phone.e164,
      digits: phone.digits,
      extension: phone.extension,
      valid: phone.valid,
      problem: phone.problem,
      kind: phone.type === 'MOBILE' ? 'mobile' : 'other',
    },
  ]).catch(async (error: unknown) => {
    // Two calls from one new number at once: the other created the customer first.
    const winner = await findCustomerIdByPhone(db, { e164: phone.e164, digits: phone.digits });
    if (!winner) throw error;
    return { id: winner, created: false as const };
  });
  if ('created' in customer) {
    return { customerId: customer.id, leadId: null, isNew: false, internal: false };
  }

  const lead = await insertLead(db, {
    customerId: customer.id,
    teamId: context.teamId,
    callId: context.callId,
    source: 'call',
  });
  return { customerId: customer.id, leadId: lead.id, isNew: true, internal: false };
}

/** How to look a caller up, or null for company numbers and callers without digits. */
export function customerLookupOf(
  phone: NormalizedPhone,
  company: CompanyNumbers,
): { e164: string | null; digits: string | null } | null {
  if (company.includes(phone) || phone.digits.length === 0) return null;

  return { e164: phone.e164, digits: phone.digits };
}
