import fs from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, createTeam, createUser, login } from '../support/accounts';
import { ConsoleSocket } from '../support/console-socket';
import { startTestServer } from '../support/test-server';
import type { TestServer } from '../support/test-server';

describe('the call pipeline on the simulated PBX', () => {
  let server: TestServer;
  let supervisor: ReturnType<typeof apiClient>;
  let supervisorSocket: ConsoleSocket;
  const sockets: ConsoleSocket[] = [];

  /**
   * A fresh operator of the team, signed in, with a console connected; the operators of earlier
   * tests log off, so the call under test can only go to this one.
   */
  async function operator(teamId: string, available = true) {
    await server.testDatabase.db.updateTable('users').set({ status: 'offline' }).execute();
    const user = await createUser(server, { role: 'operator', teamId });
    const cookie = await login(server, user.email);
    const api = apiClient(server, cookie);
    const console = new ConsoleSocket(server, cookie);
    sockets.push(console);
    await console.connected();
    if (available)
      expect((await api.put('/api/me/status', { status: 'available' })).status).toBe(200);
    return { user, api, console, cookie };
  }

  async function simulate(from: string) {
    const response = await supervisor.post('/api/sim/calls', { from });
    expect(response.status).toBe(201);
    return response.body.id as string;
  }

  let teamId: string;
  beforeAll(async () => {
    server = await startTestServer({ OWN_NUMBERS: '+7 495 000-00-00' });
    teamId = (await createTeam(server, 'Sales')).id;
    const boss = await createUser(server, { role: 'supervisor', teamId });
    const cookie = await login(server, boss.email);
    supervisor = apiClient(server, cookie);
    supervisorSocket = new ConsoleSocket(server, cookie);
    await supervisorSocket.connected();
  });
  afterAll(async () => {
    for (const socket of [...sockets, supervisorSocket]) socket.close();
    await server.close();
  });

  it('pops a card with the known customer for a call from 8 (912) 345-67-89', async () => {
    const created = await supervisor.post('/api/customers', {
      name: 'Ivan Petrov',
      company: 'Romashka',
      phones: ['+7 912 345 67 89'],
    });
    const { console } = await operator(teamId);

    const callId = await simulate('8 (912) 345-67-89');
    const card = await console.next('call:card', (c) => c.call.id === callId);

    expect(card.number.e164).toBe('+79123456789');
    expect(card.call.from.e164).toBe('+79123456789');
    expect(card.call.from.raw).toBe('8 (912) 345-67-89');
    expect(card.customer?.id).toBe(created.body.id);
    expect(card.customer?.name).toBe('Ivan Petrov');
    expect(card.call.customerName).toBe('Ivan Petrov');
    expect(card.call.state).toBe('ringing');

    const supervised = await supervisorSocket.next('call:card', (c) => c.call.id === callId);
    expect(supervised.customer?.name).toBe('Ivan Petrov');
    await supervisor.post(`/api/calls/${callId}/hangup`);
  });

  it('creates a new customer and a new lead for an unknown caller', async () => {
    const { console } = await operator(teamId);

    const callId = await simulate('+7 (903) 111-22-33');
    const card = await console.next('call:card', (c) => c.call.id === callId);

    expect(card.customer).not.toBeNull();
    expect(card.customer?.phones[0]?.e164).toBe('+79031112233');
    expect(card.openLeads).toHaveLength(1);
    expect(card.openLeads[0]?.source).toBe('call');
    await supervisor.post(`/api/calls/${callId}/hangup`);
  });

  it('keeps one call when the provider delivers the same offer twice', async () => {
    const event = {
      type: 'call.offered' as const,
      providerCallId: 'dup-1',
      direction: 'inbound' as const,
      from: '+7 903 555 00 01',
      to: '+74950000000',
      at: new Date(),
    };
    await server.callSystem.pipeline.handle(event);
    await server.callSystem.pipeline.handle(event);

    const rows = await server.testDatabase.db
      .selectFrom('calls')
      .selectAll()
      .where('provider_call_id', '=', 'dup-1')
      .execute();
    expect(rows).toHaveLength(1);
    const log = await server.testDatabase.db
      .selectFrom('call_events')
      .select('type')
      .where('call_id', '=', rows[0]?.id ?? '')
      .execute();
    expect(log.filter((row) => row.type === 'call.offered')).toHaveLength(2);
    await server.callSystem.pipeline.handle({ ...event, type: 'call.ended', cause: 'abandoned' });
  });

  it('records a caller who hangs up before an answer as missed, with a callback for the team', async () => {
    const { console, api } = await operator(teamId);

    const callId = await simulate('+7 903 222 33 44');
    const card = await console.next('call:card', (c) => c.call.id === callId);
    await supervisor.post(`/api/calls/${callId}/hangup`);
    const ended = await console.next('call:ended', (c) => c.id === callId);

    expect(ended.missed).toBe(true);
    expect(ended.endCause).toBe('abandoned');
    const callbacks = await supervisor.get('/api/callbacks?scope=team');
    expect(
      callbacks.body.some(
        (cb: { call_id: string; reason: string; customer_id: string }) =>
          cb.call_id === callId &&
          cb.reason === 'missed_call' &&
          cb.customer_id === card.customer?.id,
      ),
    ).toBe(true);
    // The operator whose phone only rang is free again, owing nothing.
    expect((await api.get('/api/me')).body.status).toBe('available');
  });

  it("names the customer in the lists of calls, and a new caller's customer by no name yet", async () => {
    await supervisor.post('/api/customers', {
      name: 'Maria Sidorova',
      phones: ['+7 912 555 00 11'],
    });
    await operator(teamId);

    const knownCallId = await simulate('8 912 555-00-11');
    await supervisor.post(`/api/calls/${knownCallId}/hangup`);
    const newCallId = await simulate('+7 903 555 00 22');
    await supervisor.post(`/api/calls/${newCallId}/hangup`);

    const missed = await supervisor.get('/api/calls?scope=missed');
    const listed = (id: string) => missed.body.find((call: { id: string }) => call.id === id);
    expect(listed(knownCallId)?.customerName).toBe('Maria Sidorova');
    expect(listed(newCallId)?.customerName).toBe('');
    expect(listed(newCallId)?.customerId).not.toBeNull();
  });

  it('holds the operator in wrap-up until the outcome, then turns a postponement into a callback', async () => {
    const { console, api } = await operator(teamId);

    const callId = await simulate('+7 903 333 44 55');
    await console.next('call:card', (c) => c.call.id === callId);
    expect((await api.post(`/api/calls/${callId}/answer`)).status).toBe(202);
    await console.next('call:updated', (c) => c.id === callId && c.state === 'answered');
    expect((await api.get('/api/me')).body.status).toBe('on_call');

    await api.post(`/api/calls/${callId}/hangup`);
    await console.next('call:ended', (c) => c.id === callId);
    expect((await api.get('/api/me')).body.status).toBe('wrap_up');
    const refused = await api.put('/api/me/status', { status: 'available' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('OUTCOME_REQUIRED');

    const missingTime = await api.post(`/api/calls/${callId}/outcome`, { outcome: 'postponed' });
    expect(missingTime.status).toBe(400);

    const due = new Date(Date.now() + 3600_000).toISOString();
    const outcome = await api.post(`/api/calls/${callId}/outcome`, {
      outcome: 'postponed',
      callback_at: due,
      note: 'call after lunch',
    });
    expect(outcome.status).toBe(200);
    expect(outcome.body.outcome).toBe('postponed');
    expect((await api.get('/api/me')).body.status).toBe('available');

    const mine = await api.get('/api/callbacks?scope=mine');
    const callback = mine.body.find((cb: { call_id: string }) => cb.call_id === callId);
    expect(callback?.reason).toBe('postponed');
    expect(new Date(callback?.due_at).toISOString()).toBe(due);

    const again = await api.post(`/api/calls/${callId}/outcome`, { outcome: 'result' });
    expect(again.status).toBe(409);
  });

  it('stores the recording of an answered call on disk and links it to the call', async () => {
    const { console, api } = await operator(teamId);

    const callId = await simulate('+7 903 444 55 66');
    await console.next('call:card', (c) => c.call.id === callId);
    await api.post(`/api/calls/${callId}/answer`);
    await console.next('call:updated', (c) => c.id === callId && c.state === 'answered');
    await api.post(`/api/calls/${callId}/hangup`);
    await console.next('call:ended', (c) => c.id === callId);
    // The store reports through call:updated once the copy is on disk.
    await console.next('call:updated', (c) => c.id === callId && c.state === 'ended');

    const call = await api.get(`/api/calls/${callId}`);
    const [recording] = call.body.recordings;
    expect(recording.status).toBe('stored');
    const file = path.join(server.config.dataDir, 'recordings', recording.path);
    const audio = await fs.readFile(file);
    expect(audio.subarray(0, 4).toString()).toBe('RIFF');
    expect(Number(recording.bytes)).toBe(audio.length);
  });

  it('sends the active card again to an operator whose console reconnects', async () => {
    const { console, cookie } = await operator(teamId);

    const callId = await simulate('+7 903 555 66 77');
    await console.next('call:card', (c) => c.call.id === callId);
    console.close();

    const again = new ConsoleSocket(server, cookie);
    sockets.push(again);
    const card = await again.next('call:card', (c) => c.call.id === callId);
    expect(card.call.state).toBe('ringing');
    expect(card.number.e164).toBe('+79035556677');
    await supervisor.post(`/api/calls/${callId}/hangup`);
  });

  it('never makes a customer of the company number or an internal extension', async () => {
    const before = await server.testDatabase.db
      .selectFrom('customers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();

    const fromOwn = await simulate('8 (495) 000-00-00');
    const fromExtension = await simulate('104');

    for (const id of [fromOwn, fromExtension]) {
      const call = await supervisor.get(`/api/calls/${id}`);
      expect(call.status).toBe(200);
      expect(call.body.customer_id).toBeNull();
      await supervisor.post(`/api/calls/${id}/hangup`);
    }
    const after = await server.testDatabase.db
      .selectFrom('customers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
  it('queues a caller when nobody is available and rings the first operator who becomes free', async () => {
    const otherTeam = (await createTeam(server)).id;
    const boss = await createUser(server, { role: 'supervisor', teamId: otherTeam });
    const bossApi = apiClient(server, await login(server, boss.email));
    const { console, api } = await operator(otherTeam, false);
    // Calls land in the oldest team; move this caller's customer into the other team first.
    const customer = await bossApi.post('/api/customers', {
      name: 'Queued',
      phones: ['+7 903 666 77 88'],
    });
    expect(customer.status).toBe(201);
    await server.testDatabase.db
      .updateTable('teams')
      .set({ created_at: sql`'2000-01-01'::timestamptz` })
      .where('id', '=', otherTeam)
      .execute();

    const callId = (await bossApi.post('/api/sim/calls', { from: '+7 903 666 77 88' })).body.id;
    const queued = await api.get(`/api/calls/${callId}`);
    expect(queued.body.state).toBe('queued');

    await api.put('/api/me/status', { status: 'available' });
    const card = await console.next('call:card', (c) => c.call.id === callId);
    expect(card.call.state).toBe('ringing');
    expect(card.customer?.name).toBe('Queued');
    await bossApi.post(`/api/calls/${callId}/hangup`);
  });
});
