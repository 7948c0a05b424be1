import { insertTeam } from '../../db/queries/teams';
import type { PublicUser } from '../../db/queries/users';
import type { Role } from '../../db/schema';
import type { TestServer } from './test-server';

export const TEST_PASSWORD = 'correct horse battery';

/** Creates a user through the real service (argon2 and all). */
export async function createUser(
  server: TestServer,
  fields: { role: Role; teamId?: string | null; name?: string; email?: string; endpoint?: string },
): Promise<PublicUser> {
  const n = Math.random().toString(36).slice(2, 8);
  return server.services.users.create(null, {
    email: fields.email ?? `${fields.role}-${n}@test.local`,
    name: fields.name ?? `${fields.role} ${n}`,
    password: TEST_PASSWORD,
    role: fields.role,
    team_id: fields.teamId ?? null,
    endpoint: fields.endpoint ?? `SIP/${n}`,
  });
}

export async function createTeam(server: TestServer, name?: string) {
  return insertTeam(server.testDatabase.db, name ?? `team-${Math.random().toString(36).slice(2)}`);
}

/** Logs in over HTTP and returns the session cookie ("crm_session=…"). */
export async function login(server: TestServer, email: string, password = TEST_PASSWORD) {
  const response = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 200) throw new Error(`login failed: ${response.status}`);

  const cookie = response.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error('login set no cookie');
  return cookie;
}

/** A tiny JSON client bound to a session cookie. */
export function apiClient(server: TestServer, cookie?: string) {
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read JSON loosely
    const json: any = text ? JSON.parse(text) : undefined;
    return { status: response.status, body: json };
  };

  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body?: unknown) => call('POST', path, body ?? {}),
    patch: (path: string, body: unknown) => call('PATCH', path, body),
    put: (path: string, body: unknown) => call('PUT', path, body),
    delete: (path: string) => call('DELETE', path),
  };
}
