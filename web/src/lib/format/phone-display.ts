import { parsePhoneNumber } from 'libphonenumber-js/min';
import type { CustomerPhone } from '$lib/api/types';
import { t } from '$lib/i18n/messages';
import type { ListedPhone } from './listed-phone';

/**
 * A stored number as an operator reads it: '+79123456789' → '+7 912 345 67 89'. The card's
 * numbers come formatted by the server; the customer pages format the REST ones here.
 */
export function phoneDisplay(phone: Pick<CustomerPhone, 'raw' | 'e164' | 'extension'>): string {
  if (!phone.e164) return phone.raw;

  try {
    const formatted = parsePhoneNumber(phone.e164).formatInternational();
    return phone.extension ? t.phone.withExtension(formatted, phone.extension) : formatted;
  } catch {
    return phone.e164;
  }
}

/** The REST customer's numbers, formatted here for the lists of the customer pages. */
export function listCustomerPhones(phones: CustomerPhone[]): ListedPhone[] {
  return phones.map((phone) => ({
    id: phone.id,
    display: phoneDisplay(phone),
    dialable: phone.e164 ?? phone.raw,
    kind: phone.kind,
    valid: phone.valid,
  }));
}
