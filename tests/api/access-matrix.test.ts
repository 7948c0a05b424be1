import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomerWithPhones } from '../../db/queries/customers';
import type { Team } from '../../db/schema';
import { apiClient, createTeam, createUser } from '../support/accounts';
import { startTestServer } from '../support/test-server';
import type { TestServer } from '../support/test-server';
import { signInActors, testMatrix, UNKNOWN_ID } from './access-matrix';
import type { ActorName, MatrixRow, SignedInActors } from './access-matrix';

/**
 * Who may do what, route by route. Each row builds its own fresh records (so a merge or a
 * deletion in one cell cannot change another) and lists the status every actor should get.
 */
describe('the access matrix', () => {
  let server: TestServer;
  let teamA: Team;
  let teamB: Team;
  let users: SignedInActors['users'];
  let cookies: SignedInActors['cookies'];

  beforeAll(async () => {
    server = await startTestServer();
    teamA = await createTeam(server, 'Team A');
    teamB = await createTeam(server, 'Team B');
    ({ users, cookies } = await signInActors(server, { a: teamA, b: teamB }));
  });
  afterAll(() => server.close());

  let serial = 0;
  const next = () => ++serial;
  const freshNumber = () => `+7 912 ${String(next()).padStart(7, '0')}`;

  function customerOf(team: Team | null): Promise<CustomerWithPhones> {
    return server.services.customers.create(
      users.admin,
      { name: `Customer ${next()}`, team_id: team?.id ?? null },
      [{ number: freshNumber() }],
    );
  }

  const rows: MatrixRow[] = [
    {
      route: 'GET /api/me',
      request: async () => ({ method: 'GET', path: '/api/me' }),
      expected: [401, 200, 200, 200, 200],
    },
    {
      route: 'PUT /api/me/status',
      request: async () => ({ method: 'PUT', path: '/api/me/status', body: { status: 'away' } }),
      expected: [401, 200, 200, 200, 200],
    },
    {
      route: 'GET /api/users',
      request: async () => ({ method: 'GET', path: '/api/users' }),
      expected: [401, 403, 200, 200, 200],
    },
    {
      route: 'POST /api/users',
      request: async () => ({
        method: 'POST',
        path: '/api/users',
        body: {
          email: `new-${next()}@test.local`,
          name: 'New operator',
          password: 'long enough password',
          role: 'operator',
          team_id: teamA.id,
        },
      }),
      expected: [401, 403, 403, 403, 201],
    },
    {
      route: 'PATCH /api/users/:id',
      request: async () => {
        const user = await createUser(server, { role: 'operator', teamId: teamA.id });
        return { method: 'PATCH', path: `/api/users/${user.id}`, body: { endpoint: 'PJSIP/200' } };
      },
      expected: [401, 403, 403, 403, 200],
    },
    {
      route: 'PATCH /api/users/:id (no such user)',
      request: async () => ({ method: 'PATCH', path: `/api/users/${UNKNOWN_ID}`, body: {} }),
      expected: [401, 403, 403, 403, 404],
    },
    {
      route: 'GET /api/teams',
      request: async () => ({ method: 'GET', path: '/api/teams' }),
      expected: [401, 200, 200, 200, 200],
    },
    {
      route: 'POST /api/teams',
      request: async () => ({ method: 'POST', path: '/api/teams', body: { name: `T${next()}` } }),
      expected: [401, 403, 403, 403, 201],
    },
    {
      route: 'PATCH /api/teams/:id',
      request: async () => {
        const team = await createTeam(server);
        return { method: 'PATCH', path: `/api/teams/${team.id}`, body: { name: `R${next()}` } };
      },
      expected: [401, 403, 403, 403, 200],
    },
    {
      route: 'PATCH /api/teams/:id (no such team)',
      request: async () => ({
        method: 'PATCH',
        path: `/api/teams/${UNKNOWN_ID}`,
        body: { name: `R${next()}` },
      }),
      expected: [401, 403, 403, 403, 404],
    },
    {
      route: 'POST /api/customers (into the actor’s own team)',
      request: async () => ({
        method: 'POST',
        path: '/api/customers',
        body: { name: `Customer ${next()}`, phones: [freshNumber()] },
      }),
      expected: [401, 201, 201, 201, 201],
    },
    {
      route: 'POST /api/customers (into team A)',
      request: async () => ({
        method: 'POST',
        path: '/api/customers',
        body: { name: `Customer ${next()}`, team_id: teamA.id },
      }),
      expected: [401, 201, 403, 201, 201],
    },
    {
      route: 'GET /api/customers',
      request: async () => ({ method: 'GET', path: '/api/customers?q=customer' }),
      expected: [401, 200, 200, 200, 200],
    },
    {
      route: 'GET /api/customers/:id (of team A)',
      request: async () => ({
        method: 'GET',
        path: `/api/customers/${(await customerOf(teamA)).id}`,
      }),
      expected: [401, 200, 403, 200, 200],
    },
    {
      route: 'GET /api/customers/:id (of no team, shared by all)',
      request: async () => ({
        method: 'GET',
        path: `/api/customers/${(await customerOf(null)).id}`,
      }),
      expected: [401, 200, 200, 200, 200],
    },
    {
      route: 'GET /api/customers/:id (no such customer)',
      request: async () => ({ method: 'GET', path: `/api/customers/${UNKNOWN_ID}` }),
      expected: [401, 404, 404, 404, 404],
    },
    {
      route: 'GET /api/customers/:id (not an id at all)',
      request: async () => ({ method: 'GET', path: '/api/customers/not-an-id' }),
      expected: [401, 404, 404, 404, 404],
    },
    {
      route: 'PATCH /api/customers/:id (of team A)',
      request: async () => ({
        method: 'PATCH',
        path: `/api/customers/${(await customerOf(teamA)).id}`,
        body: { city: 'Казань' },
      }),
      expected: [401, 200, 403, 200, 200],
    },
    {
      route: 'PATCH /api/customers/:id (moving a team A customer to team B)',
      request: async () => ({
        method: 'PATCH',
        path: `/api/customers/${(await customerOf(teamA)).id}`,
        body: { team_id: teamB.id },
      }),
      expected: [401, 403, 403, 403, 200],
    },
    {
      route: 'GET /api/customers/:id/timeline (of team A)',
      request: async () => ({
        method: 'GET',
        path: `/api/customers/${(await customerOf(teamA)).id}/timeline`,
      }),
      expected: [401, 200, 403, 200, 200],
    },
    {
      route: 'POST /api/customers/:id/phones (of team A)',
      request: async () => ({
        method: 'POST',
        path: `/api/customers/${(await customerOf(teamA)).id}/phones`,
        body: { number: freshNumber(), kind: 'work' },
      }),
      expected: [401, 201, 403, 201, 201],
    },
    {
      route: 'DELETE /api/customers/:id/phones/:phoneId (of team A)',
      request: async () => {
        const customer = await customerOf(teamA);
        const phone = customer.phones[0];
        if (!phone) throw new Error('the customer was made without a phone');
        return { method: 'DELETE', path: `/api/customers/${customer.id}/phones/${phone.id}` };
      },
      expected: [401, 200, 403, 200, 200],
    },
    {
      route: 'POST /api/customers/:id/notes (of team A)',
      request: async () => ({
        method: 'POST',
        path: `/api/customers/${(await customerOf(teamA)).id}/notes`,
        body: { body: 'Asked for a price list.' },
      }),
      expected: [401, 201, 403, 201, 201],
    },
    {
      route: 'POST /api/customers/:id/merge (both of team A)',
      request: async () => {
        const [keep, other] = [await customerOf(teamA), await customerOf(teamA)];
        return {
          method: 'POST',
          path: `/api/customers/${keep.id}/merge`,
          body: { other_id: other.id },
        };
      },
      expected: [401, 403, 403, 200, 200],
    },
    {
      route: 'GET /api/health',
      request: async () => ({ method: 'GET', path: '/api/health' }),
      expected: [200, 200, 200, 200, 200],
    },
    {
      route: 'GET /api/no-such-route',
      request: async () => ({ method: 'GET', path: '/api/no-such-route' }),
      expected: [401, 404, 404, 404, 404],
    },
  ];

  testMatrix(rows, () => ({ server, cookies }));

  describe('what each actor sees in lists', () => {
    let ofTeamA: CustomerWithPhones;
    let ofTeamB: CustomerWithPhones;
    let ofNoTeam: CustomerWithPhones;

    beforeAll(async () => {
      ofTeamA = await customerOf(teamA);
      ofTeamB = await customerOf(teamB);
      ofNoTeam = await customerOf(null);
    });

    async function visibleTo(actor: ActorName): Promise<string[]> {
      const response = await apiClient(server, cookies.get(actor)).get('/api/customers?limit=200');
      expect(response.status).toBe(200);
      return response.body.customers.map((customer: { id: string }) => customer.id);
    }

    const views = [
      { actor: 'operator A', seen: ['A', 'none'], hidden: ['B'], says: 'never team B’s' },
      { actor: 'supervisor A', seen: ['A', 'none'], hidden: ['B'], says: 'never team B’s' },
      { actor: 'supervisor B', seen: ['B', 'none'], hidden: ['A'], says: 'never team A’s' },
      { actor: 'admin', seen: ['A', 'B', 'none'], hidden: [], says: 'and every team’s' },
    ] as const;

    for (const { actor, seen, hidden, says } of views) {
      it(`lists to ${actor} the customers of their team and of no team, ${says}`, async () => {
        const idOf = { A: ofTeamA.id, B: ofTeamB.id, none: ofNoTeam.id };

        const visible = await visibleTo(actor);

        for (const team of seen) expect(visible).toContain(idOf[team]);
        for (const team of hidden) expect(visible).not.toContain(idOf[team]);
      });
    }

    it('does not find an out-of-team customer by name or by phone either', async () => {
      const client = apiClient(server, cookies.get('supervisor B'));
      const phone = ofTeamA.phones[0]?.raw ?? '';

      const byName = await client.get(`/api/customers?q=${encodeURIComponent(ofTeamA.name)}`);
      const byPhone = await client.get(`/api/customers?q=${encodeURIComponent(phone)}`);

      expect(byName.body).toEqual({ customers: [], total: 0 });
      expect(byPhone.body).toEqual({ customers: [], total: 0 });
    });

    it('lists to a supervisor only the users of their own team', async () => {
      const response = await apiClient(server, cookies.get('supervisor B')).get('/api/users');

      expect(response.body.length).toBeGreaterThan(0);
      for (const user of response.body) expect(user.team_id).toBe(teamB.id);
    });
  });
});
