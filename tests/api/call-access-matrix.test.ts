import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findCall } from '../../db/queries/calls';
import type { CustomerWithPhones } from '../../db/queries/customers';
import type { PublicUser } from '../../db/queries/users';
import { completeCallback, insertCallback, insertLead } from '../../db/queries/work';
import type { Call, Callback, Lead, Team } from '../../db/schema';
import { apiClient, createTeam, createUser } from '../support/accounts';
import { startTestServer } from '../support/test-server';
import type { TestServer } from '../support/test-server';
import { signInActors, testMatrix, UNKNOWN_ID } from './access-matrix';
import type { MatrixRow, SignedInActor, SignedInActors } from './access-matrix';

/** How far a call written straight into the database has got. */
type Progress = 'ringing' | 'wrapping up' | 'done' | 'missed';

/**
 * Who may work which call, callback and lead. The records belong to the matrix's people or to
 * two more operators (a teammate of operator A, and an operator of team B), so that a row can
 * ask whether an actor may touch someone else's work.
 */
describe('the access matrix of calls, callbacks and leads', () => {
  let server: TestServer;
  let teamA: Team;
  let teamB: Team;
  let users: SignedInActors['users'];
  let cookies: SignedInActors['cookies'];
  let teammate: PublicUser;
  let operatorB: PublicUser;

  beforeAll(async () => {
    server = await startTestServer();
    // Inbound calls land in the oldest team, so team A is made first.
    teamA = await createTeam(server, 'Team A');
    teamB = await createTeam(server, 'Team B');
    ({ users, cookies } = await signInActors(server, { a: teamA, b: teamB }));
    teammate = await createUser(server, { role: 'operator', teamId: teamA.id });
    operatorB = await createUser(server, { role: 'operator', teamId: teamB.id });
  });
  afterAll(() => server.close());

  let serial = 0;
  const next = () => ++serial;
  const freshNumber = () => `+7 912 ${String(next()).padStart(7, '0')}`;
  const operatorA = () => users['operator A'];

  /**
   * No call open, no outcome owed, every phone off: a call one cell left ringing can then be
   * neither routed, nor answered, nor owed in the next one.
   */
  async function quietCallCenter(): Promise<void> {
    await server.callSystem.pipeline.idle();
    const { db } = server.testDatabase;
    const now = new Date();

    await db
      .updateTable('calls')
      .set({ state: 'ended', ended_at: now, end_cause: 'completed' })
      .where('state', '<>', 'ended')
      .execute();
    await db
      .updateTable('calls')
      .set({ outcome: 'result', outcome_at: now })
      .where('answered_at', 'is not', null)
      .where('outcome', 'is', null)
      .execute();
    await db.updateTable('users').set({ status: 'offline' }).execute();
  }

  function customerOf(team: Team | null): Promise<CustomerWithPhones> {
    return server.services.customers.create(
      users.admin,
      { name: `Customer ${next()}`, team_id: team?.id ?? null },
      [{ number: freshNumber() }],
    );
  }

  /** A call written straight into the database, as the pipeline would have left it. */
  function callOf(
    team: Team | null,
    operator: PublicUser | null,
    progress: Progress,
  ): Promise<Call> {
    const at = new Date();
    const answered = progress === 'wrapping up' || progress === 'done';
    const ended = progress !== 'ringing';

    return server.testDatabase.db
      .insertInto('calls')
      .values({
        provider: 'sim',
        provider_call_id: `matrix-${next()}`,
        direction: 'inbound',
        state: ended ? 'ended' : 'ringing',
        from_raw: freshNumber(),
        from_e164: null,
        to_raw: '+74950000000',
        to_e164: '+74950000000',
        customer_id: null,
        team_id: team?.id ?? null,
        operator_id: operator?.id ?? null,
        lead_id: null,
        routing_reason: null,
        ringing_at: operator ? at : null,
        answered_at: answered ? at : null,
        ended_at: ended ? at : null,
        end_cause: ended ? (answered ? 'completed' : 'abandoned') : null,
        missed: progress === 'missed',
        outcome: progress === 'done' ? 'result' : null,
        outcome_reason: null,
        outcome_note: null,
        outcome_at: progress === 'done' ? at : null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /**
   * A real call of the simulated PBX, started by supervisor A, ringing at the operator's phone:
   * the only one available, as every cell starts with all phones off.
   */
  async function ringingCallFor(operator: PublicUser): Promise<string> {
    const { db } = server.testDatabase;
    await db
      .updateTable('users')
      .set({ status: 'available' })
      .where('id', '=', operator.id)
      .execute();

    const supervisor = apiClient(server, cookies.get('supervisor A'));
    const response = await supervisor.post('/api/sim/calls', { from: freshNumber() });
    expect(response.status, 'the simulated call was placed').toBe(201);
    const id = response.body.id as string;
    expect(await findCall(db, id)).toMatchObject({ state: 'ringing', operator_id: operator.id });
    return id;
  }

  async function callbackOf(
    team: Team | null,
    owner: PublicUser | null,
    options: { done?: boolean } = {},
  ): Promise<Callback> {
    const { db } = server.testDatabase;
    const customer = await customerOf(team);

    const callback = await insertCallback(db, {
      customerId: customer.id,
      callId: null,
      teamId: team?.id ?? null,
      ownerId: owner?.id ?? null,
      reason: 'manual',
      dueAt: new Date(Date.now() + 3600_000),
    });
    if (!callback) throw new Error('the callback was not stored');
    if (options.done) await completeCallback(db, callback.id, users.admin.id);
    return callback;
  }

  async function leadOf(team: Team | null, owner: PublicUser | null): Promise<Lead> {
    const customer = await customerOf(team);
    return insertLead(server.testDatabase.db, {
      customerId: customer.id,
      teamId: team?.id ?? null,
      ownerId: owner?.id ?? null,
      source: 'manual',
    });
  }

  const result = { outcome: 'result', note: 'Wants a quote by Friday.' };

  const rows: MatrixRow[] = [
    {
      route: 'GET /api/calls?scope=mine',
      request: async () => ({ method: 'GET', path: '/api/calls?scope=mine' }),
      expected: [401, 200, 200, 200, 200],
    },
    {
      route: 'GET /api/calls?scope=team',
      request: async () => ({ method: 'GET', path: '/api/calls?scope=team' }),
      expected: [401, 200, 200, 200, 200],
    },
    {
      route: 'GET /api/calls?scope=missed',
      request: async () => ({ method: 'GET', path: '/api/calls?scope=missed' }),
      expected: [401, 200, 200, 200, 200],
    },
    {
      route: 'GET /api/calls?scope=everyone (no such scope)',
      request: async () => ({ method: 'GET', path: '/api/calls?scope=everyone' }),
      expected: [401, 400, 400, 400, 400],
    },
    {
      route: 'GET /api/calls/active',
      request: async () => ({ method: 'GET', path: '/api/calls/active' }),
      expected: [401, 200, 200, 200, 200],
    },
    {
      route: 'GET /api/calls/:id (of team A, rung to operator A)',
      request: async () => ({
        method: 'GET',
        path: `/api/calls/${(await callOf(teamA, operatorA(), 'ringing')).id}`,
      }),
      expected: [401, 200, 403, 200, 200],
    },
    {
      route: 'GET /api/calls/:id (of team A, rung to a teammate)',
      request: async () => ({
        method: 'GET',
        path: `/api/calls/${(await callOf(teamA, teammate, 'done')).id}`,
      }),
      expected: [401, 200, 403, 200, 200],
    },
    {
      route: 'GET /api/calls/:id (of team B)',
      request: async () => ({
        method: 'GET',
        path: `/api/calls/${(await callOf(teamB, operatorB, 'done')).id}`,
      }),
      expected: [401, 403, 200, 403, 200],
    },
    {
      route: 'GET /api/calls/:id (of no team, shared by all)',
      request: async () => ({
        method: 'GET',
        path: `/api/calls/${(await callOf(null, null, 'missed')).id}`,
      }),
      expected: [401, 200, 200, 200, 200],
    },
    {
      route: 'GET /api/calls/:id (no such call)',
      request: async () => ({ method: 'GET', path: `/api/calls/${UNKNOWN_ID}` }),
      expected: [401, 404, 404, 404, 404],
    },
    {
      route: 'POST /api/calls/:id/answer (ringing at operator A’s phone)',
      request: async () => ({
        method: 'POST',
        path: `/api/calls/${await ringingCallFor(operatorA())}/answer`,
      }),
      // Only the operator whose phone rings picks up; supervisors may hang up, not answer.
      expected: [401, 202, 403, 403, 403],
    },
    {
      route: 'POST /api/calls/:id/answer (ringing at a teammate’s phone)',
      request: async () => ({
        method: 'POST',
        path: `/api/calls/${await ringingCallFor(teammate)}/answer`,
      }),
      expected: [401, 403, 403, 403, 403],
    },
    {
      route: 'POST /api/calls/:id/answer (no such call)',
      request: async () => ({ method: 'POST', path: `/api/calls/${UNKNOWN_ID}/answer` }),
      expected: [401, 404, 404, 404, 404],
    },
    {
      route: 'POST /api/calls/:id/hangup (ringing at operator A’s phone)',
      request: async () => ({
        method: 'POST',
        path: `/api/calls/${await ringingCallFor(operatorA())}/hangup`,
      }),
      expected: [401, 202, 403, 202, 202],
    },
    {
      route: 'POST /api/calls/:id/hangup (ringing at a teammate’s phone)',
      request: async () => ({
        method: 'POST',
        path: `/api/calls/${await ringingCallFor(teammate)}/hangup`,
      }),
      expected: [401, 403, 403, 202, 202],
    },
    {
      route: 'POST /api/calls/:id/hangup (no such call)',
      request: async () => ({ method: 'POST', path: `/api/calls/${UNKNOWN_ID}/hangup` }),
      expected: [401, 404, 404, 404, 404],
    },
    {
      route: 'POST /api/calls/:id/outcome (operator A talked, the call ended)',
      request: async () => ({
        method: 'POST',
        path: `/api/calls/${(await callOf(teamA, operatorA(), 'wrapping up')).id}/outcome`,
        body: result,
      }),
      expected: [401, 200, 403, 200, 200],
    },
    {
      route: 'POST /api/calls/:id/outcome (a teammate talked, the call ended)',
      request: async () => ({
        method: 'POST',
        path: `/api/calls/${(await callOf(teamA, teammate, 'wrapping up')).id}/outcome`,
        body: result,
      }),
      expected: [401, 403, 403, 200, 200],
    },
    {
      route: 'POST /api/calls/:id/outcome (an operator of team B talked, the call ended)',
      request: async () => ({
        method: 'POST',
        path: `/api/calls/${(await callOf(teamB, operatorB, 'wrapping up')).id}/outcome`,
        body: result,
      }),
      expected: [401, 403, 200, 403, 200],
    },
    {
      route: 'POST /api/calls/:id/outcome (operator A’s call, outcome already given)',
      request: async () => ({
        method: 'POST',
        path: `/api/calls/${(await callOf(teamA, operatorA(), 'done')).id}/outcome`,
        body: result,
      }),
      expected: [401, 409, 403, 409, 409],
    },
    {
      route: 'POST /api/calls/:id/outcome (operator A’s call, never answered)',
      request: async () => ({
        method: 'POST',
        path: `/api/calls/${(await callOf(teamA, operatorA(), 'missed')).id}/outcome`,
        body: result,
      }),
      expected: [401, 409, 403, 409, 409],
    },
    {
      route: 'POST /api/calls/:id/outcome (no such call)',
      request: async () => ({
        method: 'POST',
        path: `/api/calls/${UNKNOWN_ID}/outcome`,
        body: result,
      }),
      expected: [401, 404, 404, 404, 404],
    },
    {
      route: 'POST /api/calls/originate (a number, no customer)',
      request: async () => ({
        method: 'POST',
        path: '/api/calls/originate',
        body: { number: freshNumber() },
      }),
      expected: [401, 201, 201, 201, 201],
    },
    {
      route: 'POST /api/calls/originate (a customer of team A)',
      request: async () => {
        const customer = await customerOf(teamA);
        return {
          method: 'POST',
          path: '/api/calls/originate',
          body: { number: customer.phones[0]?.raw, customer_id: customer.id },
        };
      },
      expected: [401, 201, 403, 201, 201],
    },
    {
      route: 'POST /api/calls/originate (a customer of team B)',
      request: async () => {
        const customer = await customerOf(teamB);
        return {
          method: 'POST',
          path: '/api/calls/originate',
          body: { number: customer.phones[0]?.raw, customer_id: customer.id },
        };
      },
      expected: [401, 403, 201, 403, 201],
    },
    {
      route: 'POST /api/calls/originate (no such customer)',
      request: async () => ({
        method: 'POST',
        path: '/api/calls/originate',
        body: { number: freshNumber(), customer_id: UNKNOWN_ID },
      }),
      expected: [401, 404, 404, 404, 404],
    },
    {
      route: 'GET /api/callbacks?scope=mine',
      request: async () => ({ method: 'GET', path: '/api/callbacks?scope=mine' }),
      expected: [401, 200, 200, 200, 200],
    },
    {
      route: 'GET /api/callbacks?scope=team',
      request: async () => ({ method: 'GET', path: '/api/callbacks?scope=team' }),
      expected: [401, 200, 200, 200, 200],
    },
    {
      route: 'POST /api/callbacks/:id/done (of team A, owned by operator A)',
      request: async () => ({
        method: 'POST',
        path: `/api/callbacks/${(await callbackOf(teamA, operatorA())).id}/done`,
      }),
      expected: [401, 200, 403, 200, 200],
    },
    {
      route: 'POST /api/callbacks/:id/done (of team A, owned by a teammate)',
      request: async () => ({
        method: 'POST',
        path: `/api/callbacks/${(await callbackOf(teamA, teammate)).id}/done`,
      }),
      expected: [401, 403, 403, 200, 200],
    },
    {
      route: 'POST /api/callbacks/:id/done (of team A, owned by nobody)',
      request: async () => ({
        method: 'POST',
        path: `/api/callbacks/${(await callbackOf(teamA, null)).id}/done`,
      }),
      expected: [401, 200, 403, 200, 200],
    },
    {
      route: 'POST /api/callbacks/:id/done (of team B, owned by its operator)',
      request: async () => ({
        method: 'POST',
        path: `/api/callbacks/${(await callbackOf(teamB, operatorB)).id}/done`,
      }),
      expected: [401, 403, 200, 403, 200],
    },
    {
      route: 'POST /api/callbacks/:id/done (of no team, owned by operator A)',
      request: async () => ({
        method: 'POST',
        path: `/api/callbacks/${(await callbackOf(null, operatorA())).id}/done`,
      }),
      expected: [401, 200, 200, 200, 200],
    },
    {
      route: 'POST /api/callbacks/:id/done (of team A, owned by operator A, already done)',
      request: async () => ({
        method: 'POST',
        path: `/api/callbacks/${(await callbackOf(teamA, operatorA(), { done: true })).id}/done`,
      }),
      expected: [401, 409, 403, 409, 409],
    },
    {
      route: 'POST /api/callbacks/:id/done (no such callback)',
      request: async () => ({ method: 'POST', path: `/api/callbacks/${UNKNOWN_ID}/done` }),
      expected: [401, 404, 404, 404, 404],
    },
    {
      route: 'PATCH /api/leads/:id (of team A, owned by operator A)',
      request: async () => ({
        method: 'PATCH',
        path: `/api/leads/${(await leadOf(teamA, operatorA())).id}`,
        body: { hotness: 80, status: 'in_progress' },
      }),
      expected: [401, 200, 403, 200, 200],
    },
    {
      route: 'PATCH /api/leads/:id (of team A, owned by a teammate)',
      request: async () => ({
        method: 'PATCH',
        path: `/api/leads/${(await leadOf(teamA, teammate)).id}`,
        body: { status: 'won' },
      }),
      expected: [401, 200, 403, 200, 200],
    },
    {
      route: 'PATCH /api/leads/:id (of team B)',
      request: async () => ({
        method: 'PATCH',
        path: `/api/leads/${(await leadOf(teamB, operatorB)).id}`,
        body: { title: 'Fleet insurance' },
      }),
      expected: [401, 403, 200, 403, 200],
    },
    {
      route: 'PATCH /api/leads/:id (no such lead)',
      request: async () => ({
        method: 'PATCH',
        path: `/api/leads/${UNKNOWN_ID}`,
        body: { hotness: 10 },
      }),
      expected: [401, 404, 404, 404, 404],
    },
    {
      route: 'POST /api/sim/calls',
      request: async () => ({
        method: 'POST',
        path: '/api/sim/calls',
        body: { from: freshNumber() },
      }),
      expected: [401, 403, 201, 201, 201],
    },
  ];

  describe('route by route', () => {
    beforeEach(quietCallCenter);

    testMatrix(rows, () => ({ server, cookies }));
  });

  describe('what each actor sees in the lists', () => {
    type Fixture =
      | 'call of A'
      | 'call of teammate'
      | 'call of B'
      | 'missed of A'
      | 'missed of B'
      | 'ringing at A'
      | 'ringing at teammate'
      | 'ringing at B'
      | 'callback of A'
      | 'callback of teammate'
      | 'callback of team A'
      | 'callback of B';
    const ids = new Map<Fixture, string>();

    beforeAll(async () => {
      await quietCallCenter();
      const made: [Fixture, { id: string }][] = [
        ['call of A', await callOf(teamA, operatorA(), 'done')],
        ['call of teammate', await callOf(teamA, teammate, 'done')],
        ['call of B', await callOf(teamB, operatorB, 'done')],
        ['missed of A', await callOf(teamA, null, 'missed')],
        ['missed of B', await callOf(teamB, null, 'missed')],
        ['ringing at A', await callOf(teamA, operatorA(), 'ringing')],
        ['ringing at teammate', await callOf(teamA, teammate, 'ringing')],
        ['ringing at B', await callOf(teamB, operatorB, 'ringing')],
        ['callback of A', await callbackOf(teamA, operatorA())],
        ['callback of teammate', await callbackOf(teamA, teammate)],
        ['callback of team A', await callbackOf(teamA, null)],
        ['callback of B', await callbackOf(teamB, operatorB)],
      ];
      for (const [name, record] of made) ids.set(name, record.id);
    });

    const views: {
      path: string;
      actor: SignedInActor;
      says: string;
      seen: Fixture[];
      hidden: Fixture[];
    }[] = [
      {
        path: '/api/calls?scope=mine&limit=200',
        actor: 'operator A',
        says: 'only their own calls',
        seen: ['call of A', 'ringing at A'],
        hidden: ['call of teammate', 'ringing at teammate', 'call of B'],
      },
      {
        path: '/api/calls?scope=team&limit=200',
        actor: 'operator A',
        says: 'the calls of team A, never team B’s',
        seen: ['call of A', 'call of teammate', 'missed of A'],
        hidden: ['call of B', 'missed of B'],
      },
      {
        path: '/api/calls?scope=team&limit=200',
        actor: 'supervisor A',
        says: 'the calls of team A, never team B’s',
        seen: ['call of A', 'call of teammate', 'missed of A'],
        hidden: ['call of B', 'missed of B'],
      },
      {
        path: '/api/calls?scope=team&limit=200',
        actor: 'supervisor B',
        says: 'the calls of team B, never team A’s',
        seen: ['call of B', 'missed of B'],
        hidden: ['call of A', 'call of teammate', 'missed of A'],
      },
      {
        path: '/api/calls?scope=team&limit=200',
        actor: 'admin',
        says: 'the calls of every team',
        seen: ['call of A', 'call of teammate', 'call of B', 'missed of A', 'missed of B'],
        hidden: [],
      },
      {
        path: '/api/calls?scope=missed&limit=200',
        actor: 'operator A',
        says: 'the missed calls of team A only',
        seen: ['missed of A'],
        hidden: ['missed of B', 'call of A'],
      },
      {
        path: '/api/calls?scope=missed&limit=200',
        actor: 'supervisor B',
        says: 'the missed calls of team B only',
        seen: ['missed of B'],
        hidden: ['missed of A'],
      },
      {
        path: '/api/calls/active',
        actor: 'operator A',
        says: 'only the call ringing at their own phone',
        seen: ['ringing at A'],
        hidden: ['ringing at teammate', 'ringing at B'],
      },
      {
        path: '/api/calls/active',
        actor: 'supervisor A',
        says: 'every live call of team A, never team B’s',
        seen: ['ringing at A', 'ringing at teammate'],
        hidden: ['ringing at B'],
      },
      {
        path: '/api/calls/active',
        actor: 'supervisor B',
        says: 'every live call of team B, never team A’s',
        seen: ['ringing at B'],
        hidden: ['ringing at A', 'ringing at teammate'],
      },
      {
        path: '/api/calls/active',
        actor: 'admin',
        says: 'the live calls of every team',
        seen: ['ringing at A', 'ringing at teammate', 'ringing at B'],
        hidden: [],
      },
      {
        path: '/api/callbacks?scope=mine&limit=500',
        actor: 'operator A',
        says: 'only the callbacks they own',
        seen: ['callback of A'],
        hidden: ['callback of teammate', 'callback of team A', 'callback of B'],
      },
      {
        path: '/api/callbacks?scope=team&limit=500',
        actor: 'operator A',
        says: 'every open callback of team A, never team B’s',
        seen: ['callback of A', 'callback of teammate', 'callback of team A'],
        hidden: ['callback of B'],
      },
      {
        path: '/api/callbacks?scope=team&limit=500',
        actor: 'supervisor B',
        says: 'the open callbacks of team B, never team A’s',
        seen: ['callback of B'],
        hidden: ['callback of A', 'callback of teammate', 'callback of team A'],
      },
      {
        path: '/api/callbacks?scope=team&limit=500',
        actor: 'admin',
        says: 'the open callbacks of every team',
        seen: ['callback of A', 'callback of teammate', 'callback of team A', 'callback of B'],
        hidden: [],
      },
    ];

    /** The ids a list answered with; the active list holds cards, each around its call. */
    async function listedTo(actor: SignedInActor, path: string): Promise<string[]> {
      const response = await apiClient(server, cookies.get(actor)).get(path);
      expect(response.status).toBe(200);

      const items: { id?: string; call?: { id: string } }[] = response.body;
      return items.map((item) => item.call?.id ?? item.id ?? '');
    }

    for (const { path, actor, says, seen, hidden } of views) {
      it(`GET ${path.split('&')[0]} shows ${actor} ${says}`, async () => {
        const listed = await listedTo(actor, path);

        for (const fixture of seen) expect(listed, fixture).toContain(ids.get(fixture));
        for (const fixture of hidden) expect(listed, fixture).not.toContain(ids.get(fixture));
      });
    }
  });
});
