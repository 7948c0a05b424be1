import { describe, expect, it } from 'vitest';

import {
  type CountryCode,
  formatForReading,
  isValidCountry,
  normalizePhone,
  phoneSearchKeys,
} from './phone-number.js';

describe('normalizePhone', () => {
  it.each([
    ['8 (912) 345-67-89', '89123456789'],
    ['+7 912 345 67 89', '79123456789'],
    ['89123456789', '89123456789'],
    ['7-912-345-6789', '79123456789'],
    ['79123456789', '79123456789'],
    ['9123456789', '9123456789'],
    [' 8-912-345-67-89 ', '89123456789'],
    ['8.912.345.67.89', '89123456789'],
    ['+7 (912) 345\u201167\u201189', '79123456789'],
  ])('reads %j typed in Russia as the mobile +79123456789', (raw, digits) => {
    expect(normalizePhone(raw, 'RU')).toEqual({
      raw,
      e164: '+79123456789',
      valid: true,
      possible: true,
      country: 'RU',
      type: 'MOBILE',
      national: '8 (912) 345-67-89',
      international: '+7 912 345 67 89',
      extension: null,
      digits,
      problem: null,
    });
  });

  it.each<[string, CountryCode, string, string, string]>([
    ['+1 (212) 555-0100', 'US', '+12125550100', 'US', 'FIXED_LINE_OR_MOBILE'],
    ['(212) 555-0100', 'US', '+12125550100', 'US', 'FIXED_LINE_OR_MOBILE'],
    ['+44 20 7946 0958', 'GB', '+442079460958', 'GB', 'FIXED_LINE'],
    ['020 7946 0958', 'GB', '+442079460958', 'GB', 'FIXED_LINE'],
    ['+44 20 7946 0958', 'RU', '+442079460958', 'GB', 'FIXED_LINE'],
    ['8 495 123-45-67', 'RU', '+74951234567', 'RU', 'FIXED_LINE'],
    ['8 800 555 35 35', 'RU', '+78005553535', 'RU', 'TOLL_FREE'],
  ])(
    'reads %j with default country %s as %s in %s, a %s number',
    (raw, home, e164, country, type) => {
      const phone = normalizePhone(raw, home);

      expect(phone).toMatchObject({ e164, country, type, valid: true, problem: null });
    },
  );

  it.each<[string, CountryCode, string]>([
    ['79123456789', 'US', '+79123456789'],
    ['44 20 7946 0958', 'RU', '+442079460958'],
    ['1 212 555 0100', 'GB', '+12125550100'],
  ])('reads %j typed in %s without its plus as %s', (raw, home, e164) => {
    expect(normalizePhone(raw, home)).toMatchObject({ e164, valid: true });
  });

  it.each<[string, CountryCode, string, string]>([
    ['8 (912) 345-67-89 доб. 12', 'RU', '+79123456789', '89123456789'],
    ['8 (912) 345-67-89 доб 12', 'RU', '+79123456789', '89123456789'],
    ['8 (912) 345-67-89, добавочный 12', 'RU', '+79123456789', '89123456789'],
    ['8 (912) 345-67-89 ДОП. 12', 'RU', '+79123456789', '89123456789'],
    ['+7 912 345 67 89 ext. 12', 'RU', '+79123456789', '79123456789'],
    ['8 (912) 345-67-89#12', 'RU', '+79123456789', '89123456789'],
    ['+1 212 555 0100 x12', 'US', '+12125550100', '12125550100'],
    ['+1 212 555 0100 X 12', 'US', '+12125550100', '12125550100'],
    ['+1 212 555 0100;ext=12', 'US', '+12125550100', '12125550100'],
  ])('keeps extension 12 of %j apart from %s', (raw, home, e164, digits) => {
    const phone = normalizePhone(raw, home);

    expect(phone).toMatchObject({ e164, digits, extension: '12', valid: true, problem: null });
    expect(phone.international).not.toMatch(/ext/);
  });

  it.each<[string, string, boolean]>([
    ['', 'empty', false],
    ['   ', 'empty', false],
    ['()-', 'empty', false],
    ['123', 'too_short', false],
    ['+7 912 345', 'too_short', false],
    ['12345678901234567890', 'too_long', false],
    ['abc', 'invalid_characters', false],
    ['8912abc4567', 'invalid_characters', false],
    ['1-800-FLOWERS', 'invalid_characters', false],
    ['тел. 89123456789', 'invalid_characters', false],
    ['+7 912 345 67 89 12', 'invalid', false],
    ['8 912 345 67 8', 'invalid', true],
    ['+999 1234 5678', 'invalid', false],
  ])('flags %j as %s instead of throwing', (raw, problem, possible) => {
    const phone = normalizePhone(raw, 'RU');

    expect(phone).toMatchObject({ raw, problem, possible, valid: false, e164: null });
    expect(phone).toMatchObject({ country: null, type: null, national: null, international: null });
  });

  it('keeps the digits of a rejected number so it can still be found', () => {
    expect(normalizePhone('8 912 345', 'RU').digits).toBe('8912345');
    expect(normalizePhone('8912abc4567', 'RU').digits).toBe('89124567');
  });

  it('keeps the extension of a number it rejects', () => {
    expect(normalizePhone('123 доб. 45', 'RU')).toMatchObject({
      extension: '45',
      digits: '123',
      problem: 'too_short',
    });
  });
});

describe('phoneSearchKeys', () => {
  it.each<[string, string | null, string | null]>([
    ['8 (912) 345-67-89', '+79123456789', null],
    ['+7 912 345 67 89 доб. 12', '+79123456789', null],
    ['67-89', null, '6789'],
    ['345 67 89', null, '3456789'],
    ['8 912 345', null, '8912345'],
    ['789', null, null],
    ['Иванов', null, null],
    ['', null, null],
  ])('searches for %j by e164 %s or by trailing digits %s', (query, e164, digits) => {
    expect(phoneSearchKeys(query, 'RU')).toEqual({ e164, digits });
  });
});

describe('formatForReading', () => {
  it.each([
    ['+79123456789', '+7 912 345 67 89'],
    ['+12125550100', '+1 212 555 0100'],
    ['+442079460958', '+44 20 7946 0958'],
    ['89123456789', '89123456789'],
    ['+7123', '+7123'],
    ['не номер', 'не номер'],
    ['', ''],
  ])('shows %j to an operator as %j', (stored, shown) => {
    expect(formatForReading(stored)).toBe(shown);
  });
});

describe('isValidCountry', () => {
  it.each([
    ['RU', true],
    ['US', true],
    ['GB', true],
    ['ru', false],
    ['XX', false],
    ['', false],
  ])('answers %j with %s', (code, expected) => {
    expect(isValidCountry(code)).toBe(expected);
  });
});
