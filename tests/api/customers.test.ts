import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomerPhone } from '../../db/schema';
import { apiClient, createTeam, createUser, login } from '../support/accounts';
import { startTestServer } from '../support/test-server';
import type { TestServer } from '../support/test-server';

type Client = ReturnType<typeof apiClient>;

describe('customers', () => {
  let server: TestServer;
  let supervisor: Client;
  let operator: Client;
  let operatorId: string;
  let teamId: string;

  beforeAll(async () => {
    server = await startTestServer({ DEFAULT_COUNTRY: 'RU' });
    teamId = (await createTeam(server)).id;
    const supervisorUser = await createUser(server, { role: 'supervisor', teamId });
    const operatorUser = await createUser(server, { role: 'operator', teamId });
    operatorId = operatorUser.id;
    supervisor = apiClient(server, await login(server, supervisorUser.email));
    operator = apiClient(server, await login(server, operatorUser.email));
  });
  afterAll(() => server.close());

  async function create(body: Record<string, unknown>) {
    const response = await supervisor.post('/api/customers', body);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body as { id: string; name: string; phones: CustomerPhone[] };
  }

  async function search(q: string): Promise<string[]> {
    const response = await supervisor.get(`/api/customers?q=${encodeURIComponent(q)}`);
    expect(response.status).toBe(200);
    return response.body.customers.map((customer: { id: string }) => customer.id);
  }

  const phoneTyped = (phones: CustomerPhone[], raw: string) => {
    const phone = phones.find((candidate) => candidate.raw === raw);
    if (!phone) throw new Error(`no phone typed as ${raw}`);
    return phone;
  };

  describe('phones', () => {
    let customer: { id: string; phones: CustomerPhone[] };

    beforeAll(async () => {
      customer = await create({
        name: 'Иван Петров',
        phones: [
          '8 (912) 345-67-89',
          { number: '+7 (495) 123-45-67 доб. 12', kind: 'work' },
          '12-34',
          'abc',
        ],
      });
    });

    it('keeps every number as typed, with its E.164 form when it is valid', () => {
      expect(customer.phones).toHaveLength(4);
      expect(phoneTyped(customer.phones, '8 (912) 345-67-89')).toMatchObject({
        e164: '+79123456789',
        valid: true,
        problem: null,
        kind: 'mobile',
      });
    });

    it('keeps an extension apart from the number', () => {
      expect(phoneTyped(customer.phones, '+7 (495) 123-45-67 доб. 12')).toMatchObject({
        e164: '+74951234567',
        extension: '12',
        valid: true,
        kind: 'work',
      });
    });

    it.each([
      ['12-34', 'too_short', '1234'],
      ['abc', 'invalid_characters', ''],
    ])('keeps the invalid number %j raw and flags it as %s', (raw, problem, digits) => {
      expect(phoneTyped(customer.phones, raw)).toMatchObject({
        e164: null,
        valid: false,
        problem,
        digits,
      });
    });

    it.each([
      '8 (912) 345-67-89',
      '+7 912 345 67 89',
      '89123456789',
      '7-912-345-6789',
      '+7 (912) 345-67-89',
      '+79123456789',
    ])('finds the customer by the number typed as %j', async (typed) => {
      expect(await search(typed)).toEqual([customer.id]);
    });

    it('finds the customer by the last digits of a number', async () => {
      expect(await search('345-67-89')).toEqual([customer.id]);
    });

    it('finds the customer by the digits of an invalid number', async () => {
      expect(await search('1234')).toEqual([customer.id]);
      expect(await search('12 34')).toEqual([customer.id]);
    });

    it('finds nobody by a number no customer has', async () => {
      expect(await search('+7 912 000 00 00')).toEqual([]);
    });

    it('refuses a number another customer owns, typed in any form, with 409 PHONE_TAKEN', async () => {
      const response = await supervisor.post('/api/customers', {
        name: 'Самозванец',
        phones: ['+7 912 345 67 89'],
      });

      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe('PHONE_TAKEN');
      expect(await search('Самозванец')).toEqual([]);
    });

    it('refuses adding an owned number to another customer with 409 PHONE_TAKEN', async () => {
      const other = await create({ name: 'Другой клиент' });

      const response = await supervisor.post(`/api/customers/${other.id}/phones`, {
        number: '89123456789',
      });

      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe('PHONE_TAKEN');
    });

    it('lets another customer have another extension of the same switchboard', async () => {
      const colleague = await create({ name: 'Коллега', phones: ['+7 495 123-45-67 ext. 13'] });

      expect(colleague.phones[0]).toMatchObject({ e164: '+74951234567', extension: '13' });
    });

    it('adds and removes a phone of an existing customer', async () => {
      const person = await create({ name: 'Мария Сидорова' });

      const added = await supervisor.post(`/api/customers/${person.id}/phones`, {
        number: '+7 913 111 22 33',
      });
      expect(added.status).toBe(201);
      expect(await search('8 913 111-22-33')).toEqual([person.id]);

      const phoneId = added.body.phones[0].id;
      const removed = await supervisor.delete(`/api/customers/${person.id}/phones/${phoneId}`);
      expect(removed.status).toBe(200);
      expect(removed.body.phones).toEqual([]);
      expect(await search('8 913 111-22-33')).toEqual([]);
    });
  });

  describe('search by name and company', () => {
    let ivanov: string;
    let acme: string;

    beforeAll(async () => {
      ivanov = (await create({ name: 'Сергей Иванов', company: 'ООО Ромашка' })).id;
      acme = (await create({ name: 'John Smith', company: 'Acme Logistics' })).id;
    });

    it.each(['Иванов', 'иванов', 'ИВАН', 'сергей'])(
      'finds a customer by the name %j',
      async (q) => {
        expect(await search(q)).toContain(ivanov);
      },
    );

    it.each(['Ромашка', 'ромаш', 'РОМАШКА', 'ооо ром'])(
      'finds a customer by the company %j, ignoring case',
      async (q) => {
        expect(await search(q)).toEqual([ivanov]);
      },
    );

    it.each(['acme', 'LOGIST', 'smith'])('finds a customer by %j in Latin letters', async (q) => {
      expect(await search(q)).toEqual([acme]);
    });

    it('treats % and _ in a query as plain characters', async () => {
      expect(await search('%')).toEqual([]);
      expect(await search('_')).toEqual([]);
    });

    it('lists everyone it can see without a query, with the total', async () => {
      const response = await supervisor.get('/api/customers?limit=2');

      expect(response.status).toBe(200);
      expect(response.body.customers).toHaveLength(2);
      expect(response.body.total).toBeGreaterThan(2);
    });
  });

  describe('editing', () => {
    it('merges custom fields key by key, a null removing its key', async () => {
      const customer = await create({
        name: 'Ольга Кузнецова',
        custom_fields: { inn: '7701234567', vip: true, source: 'выставка' },
      });

      const response = await supervisor.patch(`/api/customers/${customer.id}`, {
        custom_fields: { vip: null, manager: 'Олег' },
      });

      expect(response.status).toBe(200);
      expect(response.body.custom_fields).toEqual({
        inn: '7701234567',
        source: 'выставка',
        manager: 'Олег',
      });
    });

    it('changes only the fields sent', async () => {
      const customer = await create({
        name: 'Пётр Смирнов',
        company: 'Вектор',
        custom_fields: { inn: '5500' },
      });

      const response = await supervisor.patch(`/api/customers/${customer.id}`, {
        city: 'Пермь',
        rating: 'good',
      });

      expect(response.body).toMatchObject({
        name: 'Пётр Смирнов',
        company: 'Вектор',
        city: 'Пермь',
        rating: 'good',
        custom_fields: { inn: '5500' },
      });
      expect((await supervisor.get(`/api/customers/${customer.id}`)).body.city).toBe('Пермь');
    });

    it('refuses an unknown field by name with 400', async () => {
      const response = await supervisor.post('/api/customers', { name: 'X', nickname: 'Y' });

      expect(response.status).toBe(400);
      expect(response.body.error.details).toEqual([
        { path: 'nickname', message: 'is not a known field' },
      ]);
    });
  });

  describe('timeline', () => {
    it('returns the calls, leads, callbacks and notes of a customer in one answer', async () => {
      const customer = await create({ name: 'Анна Волкова', phones: ['+7 914 555 66 77'] });
      const db = server.testDatabase.db;
      const call = await db
        .insertInto('calls')
        .values({
          provider: 'sim',
          provider_call_id: 'timeline-1',
          direction: 'inbound',
          from_raw: '+79145556677',
          from_e164: '+79145556677',
          to_raw: '100',
          customer_id: customer.id,
          team_id: teamId,
          operator_id: operatorId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('leads')
        .values({ customer_id: customer.id, source: 'call', call_id: call.id, title: 'Окна' })
        .execute();
      await db
        .insertInto('callbacks')
        .values({
          customer_id: customer.id,
          reason: 'postponed',
          due_at: new Date(Date.now() + 3600_000),
        })
        .execute();
      await operator.post(`/api/customers/${customer.id}/notes`, { body: 'Перезвонить утром.' });

      const response = await operator.get(`/api/customers/${customer.id}/timeline`);

      expect(response.status).toBe(200);
      expect(response.body.calls).toEqual([
        expect.objectContaining({ id: call.id, direction: 'inbound', operator_id: operatorId }),
      ]);
      expect(response.body.calls[0].operator_name).toBeTruthy();
      expect(response.body.leads).toEqual([expect.objectContaining({ title: 'Окна' })]);
      expect(response.body.callbacks).toEqual([
        expect.objectContaining({ reason: 'postponed', done_at: null }),
      ]);
      expect(response.body.notes).toEqual([
        expect.objectContaining({ body: 'Перезвонить утром.', author_id: operatorId }),
      ]);
    });

    it('is empty for a customer nothing has happened with', async () => {
      const customer = await create({ name: 'Новый клиент' });

      const response = await supervisor.get(`/api/customers/${customer.id}/timeline`);

      expect(response.body).toEqual({ calls: [], leads: [], callbacks: [], notes: [] });
    });
  });

  describe('merging two records of one person', () => {
    let keep: { id: string };
    let other: { id: string };
    let merged: { status: number; body: Record<string, unknown> & { phones: CustomerPhone[] } };
    let callId: string;

    beforeAll(async () => {
      keep = await create({
        name: 'Елена Морозова',
        phones: ['+7 915 100 00 01', '55-66'],
        custom_fields: { vip: true, source: 'сайт' },
      });
      other = await create({
        name: 'Лена М.',
        company: 'Горизонт',
        city: 'Казань',
        rating: 'good',
        phones: ['8 (916) 200-00-02', '55-66'],
        custom_fields: { source: 'звонок', inn: '1655' },
      });

      const db = server.testDatabase.db;
      callId = (
        await db
          .insertInto('calls')
          .values({
            provider: 'sim',
            provider_call_id: 'merge-1',
            direction: 'inbound',
            from_raw: '89162000002',
            to_raw: '100',
            customer_id: other.id,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      await db.insertInto('leads').values({ customer_id: other.id, source: 'manual' }).execute();
      await db
        .insertInto('callbacks')
        .values({ customer_id: other.id, reason: 'manual', due_at: new Date() })
        .execute();
      await supervisor.post(`/api/customers/${other.id}/notes`, { body: 'Это та же Елена.' });

      merged = await supervisor.post(`/api/customers/${keep.id}/merge`, { other_id: other.id });
    });

    it('answers the kept customer with the phones of both, a shared number once', () => {
      expect(merged.status).toBe(200);
      expect(merged.body.id).toBe(keep.id);
      const raws = merged.body.phones.map((phone) => phone.raw).sort();
      expect(raws).toEqual(['+7 915 100 00 01', '55-66', '8 (916) 200-00-02']);
    });

    it('fills the kept customer’s empty fields and keeps the ones it had', () => {
      expect(merged.body).toMatchObject({
        name: 'Елена Морозова',
        company: 'Горизонт',
        city: 'Казань',
        rating: 'good',
        custom_fields: { vip: true, source: 'сайт', inn: '1655' },
      });
    });

    it('moves the calls, leads, callbacks and notes to the kept customer', async () => {
      const timeline = (await supervisor.get(`/api/customers/${keep.id}/timeline`)).body;

      expect(timeline.calls.map((call: { id: string }) => call.id)).toEqual([callId]);
      expect(timeline.leads).toHaveLength(1);
      expect(timeline.callbacks).toHaveLength(1);
      expect(timeline.notes).toEqual([expect.objectContaining({ body: 'Это та же Елена.' })]);
    });

    it('finds only the kept customer afterwards, by either person’s number', async () => {
      expect(await search('Лена М.')).toEqual([]);
      expect(await search('8 916 200 00 02')).toEqual([keep.id]);
      expect(await search('+7 915 100 00 01')).toEqual([keep.id]);
    });

    it('still answers the merged customer, pointing at the kept one', async () => {
      const response = await supervisor.get(`/api/customers/${other.id}`);

      expect(response.status).toBe(200);
      expect(response.body.merged_into_id).toBe(keep.id);
      expect(response.body.phones).toEqual([]);
    });

    it('refuses to merge the same customer twice with 409', async () => {
      const again = await supervisor.post(`/api/customers/${keep.id}/merge`, {
        other_id: other.id,
      });

      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('CONFLICT');
    });

    it('refuses to merge a customer into itself with 400', async () => {
      const response = await supervisor.post(`/api/customers/${keep.id}/merge`, {
        other_id: keep.id,
      });

      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION_FAILED');
    });

    it('refuses an operator with 403 and changes nothing', async () => {
      const a = await create({ name: 'Клиент А' });
      const b = await create({ name: 'Клиент Б' });

      const response = await operator.post(`/api/customers/${a.id}/merge`, { other_id: b.id });

      expect(response.status).toBe(403);
      expect((await supervisor.get(`/api/customers/${b.id}`)).body.merged_into_id).toBeNull();
    });
  });
});
