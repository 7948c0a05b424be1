import parsePhoneNumber, {
  isSupportedCountry,
  parseDigits,
  validatePhoneNumberLength,
  type CountryCode,
  type PhoneNumber,
  type PhoneNumberType,
} from 'libphonenumber-js/max';

export type { CountryCode, PhoneNumberType };

/** Why a typed number was not accepted as a valid phone number. */
export type PhoneProblem = 'empty' | 'too_short' | 'too_long' | 'invalid_characters' | 'invalid';

/**
 * A phone number as an operator or an import typed it, and what it turned out to be.
 * The fields read from the number (`e164`, `country`, `type`, `national`, `international`)
 * are filled only when libphonenumber deems the number valid; a possible-but-invalid number
 * gets none of them, so nothing downstream dials or deduplicates on a guess.
 */
export interface NormalizedPhone {
  /** Exactly as typed, surrounding spaces included. */
  raw: string;
  e164: string | null;
  valid: boolean;
  /** The length fits the numbering plan, even if the number itself is not assigned. */
  possible: boolean;
  /** ISO 3166-1 alpha-2; null for an invalid number and for non-geographic ones (+800). */
  country: CountryCode | null;
  type: PhoneNumberType | null;
  national: string | null;
  international: string | null;
  /** Kept apart from the number; national and international formats leave it out. */
  extension: string | null;
  /** Every digit typed before the extension, trunk prefix included ('8 912…' → '8912…'). */
  digits: string;
  /** Null when the number is valid. */
  problem: PhoneProblem | null;
}

/** How to look up a stored phone from a search query; at most one key is set. */
export interface PhoneSearchKeys {
  e164: string | null;
  digits: string | null;
}

// Fewer digits than this match too many stored numbers to be a useful search.
const MIN_SEARCH_DIGITS = 4;

// libphonenumber reads 'ext.', 'x', '#' and even 'доб', but not 'добавочный' or 'доп.', and it
// gives up on the whole text when it meets a word it does not know. Taking the extension off
// ourselves lets every marker through and leaves a number part that holds no letters at all.
const EXTENSION_SUFFIX =
  /[\s,]*(?:добавочный|доб|доп|extension|ext|x|#|;\s*ext=)[.:]?\s*(\d{1,10})\s*$/iu;

// Digits of any script (libphonenumber reads full-width ones), spaces and the punctuation
// people put between groups. A letter here is a typo or a vanity number such as
// 1-800-FLOWERS, which libphonenumber would silently cut short instead of refusing.
const NUMBER_PART = /^[\p{Nd}\s+()./\u2010-\u2015\u2212-]*$/u;

/**
 * Reads a typed phone number against the country the call center works in. Never throws:
 * a partial or malformed number comes back with `valid: false` and a `problem`.
 *
 * @example
 * normalizePhone('8 (912) 345-67-89 доб. 12', 'RU');
 * // { e164: '+79123456789', extension: '12', digits: '89123456789', type: 'MOBILE', … }
 */
export function normalizePhone(raw: string, defaultCountry: CountryCode): NormalizedPhone {
  const { numberPart, extension } = splitExtension(raw);
  const digits = parseDigits(numberPart);
  const rejected = {
    raw,
    e164: null,
    valid: false,
    possible: false,
    country: null,
    type: null,
    national: null,
    international: null,
    extension,
    digits,
  };

  if (!NUMBER_PART.test(numberPart)) {
    return { ...rejected, problem: 'invalid_characters' };
  }

  if (digits === '') {
    return { ...rejected, problem: 'empty' };
  }

  const asTyped = parsePhoneNumber(numberPart, { defaultCountry, extract: false });
  const number = asTyped?.isValid() ? asTyped : parseWithPlus(numberPart, digits);

  if (!number) {
    const possible = asTyped?.isPossible() ?? false;
    return { ...rejected, possible, problem: lengthProblem(numberPart, defaultCountry) };
  }

  return {
    raw,
    e164: number.number,
    valid: true,
    possible: true,
    country: number.country ?? null,
    type: number.getType() ?? null,
    national: number.formatNational(),
    international: number.formatInternational(),
    extension,
    digits,
    problem: null,
  };
}

/**
 * Turns a search query into the key to look a stored phone up by: its E.164 form when the
 * query is a whole valid number, otherwise its digits (at least four) to be matched against
 * the end of the stored digits, the way people quote the last digits of a number.
 * Both keys are null when the query holds too few digits to search by.
 */
export function phoneSearchKeys(query: string, defaultCountry: CountryCode): PhoneSearchKeys {
  const phone = normalizePhone(query, defaultCountry);

  if (phone.e164) {
    return { e164: phone.e164, digits: null };
  }

  const digits = phone.digits.length >= MIN_SEARCH_DIGITS ? phone.digits : null;
  return { e164: null, digits };
}

/**
 * Formats a stored number for an operator to read, e.g. '+79123456789' → '+7 912 345 67 89'.
 * Text that is not a valid international number comes back unchanged.
 */
export function formatForReading(e164OrRaw: string): string {
  const number = parsePhoneNumber(e164OrRaw, { extract: false });

  return number?.isValid() ? number.formatInternational() : e164OrRaw;
}

/**
 * Whether `code` is an upper-case ISO 3166-1 alpha-2 code libphonenumber has a numbering
 * plan for, so configuration can refuse a default country the parser cannot use.
 */
export function isValidCountry(code: string): code is CountryCode {
  return isSupportedCountry(code);
}

function splitExtension(raw: string): { numberPart: string; extension: string | null } {
  const match = EXTENSION_SUFFIX.exec(raw);

  if (!match) {
    return { numberPart: raw, extension: null };
  }

  return { numberPart: raw.slice(0, match.index), extension: match[1] ?? null };
}

// A number typed with its country code but without the plus ('7 912…' typed in the US,
// '44 20…' typed in Russia) is read as a national number of the default country and fails;
// the same digits with a plus in front are what the operator meant. The cost is that a
// mistyped local number can come back as a valid foreign one, which `country` makes visible.
function parseWithPlus(numberPart: string, digits: string): PhoneNumber | undefined {
  if (numberPart.trimStart().startsWith('+')) {
    return undefined;
  }

  const number = parsePhoneNumber(`+${digits}`, { extract: false });
  return number?.isValid() ? number : undefined;
}

function lengthProblem(numberPart: string, defaultCountry: CountryCode): PhoneProblem {
  const verdict = validatePhoneNumberLength(numberPart, defaultCountry);

  if (verdict === 'TOO_SHORT') {
    return 'too_short';
  }

  if (verdict === 'TOO_LONG') {
    return 'too_long';
  }

  // INVALID_LENGTH (between the shortest and longest lengths of the plan, but none of them),
  // an unknown country calling code, or a right-length number that is not assigned.
  return 'invalid';
}
