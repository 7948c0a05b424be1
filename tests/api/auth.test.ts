import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublicUser } from '../../db/queries/users';
import { LOGIN_LIMIT } from '../../server/auth/auth-service';
import { TEST_PASSWORD, apiClient, createTeam, createUser, login } from '../support/accounts';
import { startTestServer } from '../support/test-server';
import type { TestServer } from '../support/test-server';

describe('accounts and sessions', () => {
  let server: TestServer;
  let admin: ReturnType<typeof apiClient>;
  let teamId: string;

  beforeAll(async () => {
    server = await startTestServer();
    teamId = (await createTeam(server)).id;
    const adminUser = await createUser(server, { role: 'admin' });
    admin = apiClient(server, await login(server, adminUser.email));
  });
  afterAll(() => server.close());

  const operator = () => createUser(server, { role: 'operator', teamId });

  /**
   * A login attempt over HTTP, answering the status, the body and the Set-Cookie header. Every
   * test comes from 127.0.0.1, so this file stays under the per-address limit of failures.
   */
  async function attemptLogin(email: string, password: string) {
    const response = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });

    return {
      status: response.status,
      body: (await response.json()) as { user?: PublicUser; error?: { code: string } },
      setCookie: response.headers.get('set-cookie'),
    };
  }

  function expireSessionsOf(userId: string) {
    return server.testDatabase.db
      .updateTable('sessions')
      .set({ expires_at: sql<Date>`now() - interval '1 second'` })
      .where('user_id', '=', userId)
      .execute();
  }

  describe('logging in', () => {
    it('answers the user and sets an httpOnly, SameSite session cookie', async () => {
      const user = await operator();

      const response = await attemptLogin(user.email, TEST_PASSWORD);

      expect(response.status).toBe(200);
      expect(response.body.user).toMatchObject({
        id: user.id,
        email: user.email,
        role: 'operator',
      });
      expect(response.body.user).not.toHaveProperty('password_hash');
      expect(response.setCookie).toMatch(/^crm_session=[\w-]{20,};/);
      expect(response.setCookie).toMatch(/;\s*HttpOnly/i);
      expect(response.setCookie).toMatch(/;\s*SameSite=Lax/i);
      expect(response.setCookie).toMatch(/;\s*Path=\/(;|$)/);
    });

    it('accepts the email in another letter case', async () => {
      const user = await operator();

      const response = await attemptLogin(user.email.toUpperCase(), TEST_PASSWORD);

      expect(response.status).toBe(200);
    });

    it('refuses a wrong password with 401 BAD_CREDENTIALS and no cookie', async () => {
      const user = await operator();

      const response = await attemptLogin(user.email, 'not the password');

      expect(response.status).toBe(401);
      expect(response.body.error?.code).toBe('BAD_CREDENTIALS');
      expect(response.setCookie).toBeNull();
    });

    it('refuses an unknown email exactly as it refuses a wrong password', async () => {
      const response = await attemptLogin('nobody@test.local', TEST_PASSWORD);

      expect(response.status).toBe(401);
      expect(response.body).toEqual({
        error: { code: 'BAD_CREDENTIALS', message: 'The email or password is wrong.' },
      });
    });

    it('refuses a deactivated user, whose open sessions end at once', async () => {
      const user = await operator();
      const theirs = apiClient(server, await login(server, user.email));
      expect((await theirs.get('/api/me')).status).toBe(200);

      const deactivated = await admin.patch(`/api/users/${user.id}`, { active: false });

      expect(deactivated.status).toBe(200);
      expect(deactivated.body.active).toBe(false);
      expect((await theirs.get('/api/me')).status).toBe(401);
      const again = await attemptLogin(user.email, TEST_PASSWORD);
      expect(again.status).toBe(401);
      expect(again.body.error?.code).toBe('BAD_CREDENTIALS');
    });

    it('ends every open session when an admin sets a new password', async () => {
      const user = await operator();
      const theirs = apiClient(server, await login(server, user.email));

      await admin.patch(`/api/users/${user.id}`, { password: 'a brand new password' });

      expect((await theirs.get('/api/me')).status).toBe(401);
      expect((await attemptLogin(user.email, TEST_PASSWORD)).status).toBe(401);
      expect((await attemptLogin(user.email, 'a brand new password')).status).toBe(200);
    });
  });

  describe('the login rate limit', () => {
    it(`answers 429 after ${LOGIN_LIMIT.perEmail} failures for one email, even to the right password`, async () => {
      const user = await operator();
      for (let attempt = 1; attempt <= LOGIN_LIMIT.perEmail; attempt++) {
        expect((await attemptLogin(user.email, `wrong ${attempt}`)).status).toBe(401);
      }

      const limited = await attemptLogin(user.email, TEST_PASSWORD);

      expect(limited.status).toBe(429);
      expect(limited.body.error?.code).toBe('RATE_LIMITED');
      expect(limited.setCookie).toBeNull();
    });

    it('counts failures per email, so other accounts can still log in', async () => {
      const victim = await operator();
      const colleague = await operator();
      for (let attempt = 1; attempt <= LOGIN_LIMIT.perEmail; attempt++) {
        await attemptLogin(victim.email, 'wrong');
      }

      expect((await attemptLogin(victim.email, TEST_PASSWORD)).status).toBe(429);
      expect((await attemptLogin(colleague.email, TEST_PASSWORD)).status).toBe(200);
    });

    it('forgives earlier failures once the right password gets through', async () => {
      const user = await operator();
      for (let attempt = 1; attempt < LOGIN_LIMIT.perEmail; attempt++) {
        await attemptLogin(user.email, 'wrong');
      }
      expect((await attemptLogin(user.email, TEST_PASSWORD)).status).toBe(200);

      for (let attempt = 1; attempt < LOGIN_LIMIT.perEmail; attempt++) {
        expect((await attemptLogin(user.email, 'wrong')).status).toBe(401);
      }
      expect((await attemptLogin(user.email, TEST_PASSWORD)).status).toBe(200);
    });
  });

  describe('sessions', () => {
    it('lets the cookie in while the session lasts', async () => {
      const user = await operator();
      const me = await apiClient(server, await login(server, user.email)).get('/api/me');

      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ id: user.id, email: user.email, team_id: teamId });
      expect(me.body).not.toHaveProperty('password_hash');
    });

    it('refuses the cookie with 401 once the session has expired', async () => {
      const user = await operator();
      const client = apiClient(server, await login(server, user.email));

      await expireSessionsOf(user.id);
      const response = await client.get('/api/me');

      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('UNAUTHENTICATED');
    });

    it('slides the expiry forward when the session is used after a minute or more', async () => {
      const user = await operator();
      const client = apiClient(server, await login(server, user.email));
      await server.testDatabase.db
        .updateTable('sessions')
        .set({
          expires_at: sql<Date>`now() + interval '1 minute'`,
          // The expiry slides at most once a minute; this session was last seen before that.
          last_seen_at: sql<Date>`now() - interval '2 minutes'`,
        })
        .where('user_id', '=', user.id)
        .execute();

      expect((await client.get('/api/me')).status).toBe(200);

      const session = await server.testDatabase.db
        .selectFrom('sessions')
        .select(sql<number>`extract(epoch FROM expires_at - now())`.as('secondsLeft'))
        .where('user_id', '=', user.id)
        .executeTakeFirstOrThrow();
      expect(Number(session.secondsLeft)).toBeGreaterThan(server.config.sessionTtlMs / 1000 - 60);
    });

    it('ends the session on logout, so the old cookie no longer works', async () => {
      const user = await operator();
      const cookie = await login(server, user.email);

      const response = await fetch(`${server.url}/api/auth/logout`, {
        method: 'POST',
        headers: { cookie },
      });

      expect(response.status).toBe(204);
      expect(response.headers.get('set-cookie')).toMatch(
        /^crm_session=;.*Expires=Thu, 01 Jan 1970/,
      );
      expect((await apiClient(server, cookie).get('/api/me')).status).toBe(401);
    });

    it('ends only the session logged out of, not the same user on another device', async () => {
      const user = await operator();
      const laptop = await login(server, user.email);
      const phone = await login(server, user.email);

      await apiClient(server, laptop).post('/api/auth/logout');

      expect((await apiClient(server, laptop).get('/api/me')).status).toBe(401);
      expect((await apiClient(server, phone).get('/api/me')).status).toBe(200);
    });

    it('refuses a made-up cookie', async () => {
      const response = await apiClient(server, 'crm_session=made-up-token').get('/api/me');

      expect(response.status).toBe(401);
    });
  });

  describe('PUT /api/me/status', () => {
    it.each(['available', 'away', 'offline'] as const)(
      'sets the presence to %s, which GET /api/me then shows',
      async (status) => {
        const user = await operator();
        const client = apiClient(server, await login(server, user.email));

        const response = await client.put('/api/me/status', { status });

        expect(response.status).toBe(200);
        expect(response.body.status).toBe(status);
        expect((await client.get('/api/me')).body.status).toBe(status);
      },
    );

    it.each(['busy', 'on_call', '', 42])(
      'refuses the status %j with 400 and leaves the presence alone',
      async (status) => {
        const user = await operator();
        const client = apiClient(server, await login(server, user.email));
        await client.put('/api/me/status', { status: 'away' });

        const response = await client.put('/api/me/status', { status });

        expect(response.status).toBe(400);
        expect(response.body.error.code).toBe('VALIDATION_FAILED');
        expect(response.body.error.details).toContainEqual(
          expect.objectContaining({ path: 'status' }),
        );
        expect((await client.get('/api/me')).body.status).toBe('away');
      },
    );
  });

  describe('malformed requests', () => {
    it('answers 400 INVALID_JSON to a body that is not JSON', async () => {
      const response = await apiClient(server).post('/api/auth/login', '{"email": "a@b.c",');

      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        error: { code: 'INVALID_JSON', message: 'The request body is not valid JSON.' },
      });
    });

    it('answers 400 INVALID_JSON to a signed-in request with a broken body too', async () => {
      const user = await operator();
      const client = apiClient(server, await login(server, user.email));

      const response = await client.put('/api/me/status', '{status: away}');

      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('INVALID_JSON');
    });

    it('answers 400 VALIDATION_FAILED naming an unknown field, rather than ignoring it', async () => {
      const user = await operator();

      const response = await apiClient(server).post('/api/auth/login', {
        email: user.email,
        password: TEST_PASSWORD,
        rememberMe: true,
      });

      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION_FAILED');
      expect(response.body.error.details).toEqual([
        { path: 'rememberMe', message: 'is not a known field' },
      ]);
    });

    it('names each field that is missing or of the wrong type', async () => {
      const response = await apiClient(server).post('/api/auth/login', { email: 'not-an-email' });

      expect(response.status).toBe(400);
      const paths = response.body.error.details.map((detail: { path: string }) => detail.path);
      expect(paths).toEqual(expect.arrayContaining(['email', 'password']));
    });
  });
});
