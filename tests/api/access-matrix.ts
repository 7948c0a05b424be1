import { expect, it } from 'vitest';
import type { PublicUser } from '../../db/queries/users';
import type { Team } from '../../db/schema';
import { createUser, login } from '../support/accounts';
import type { TestServer } from '../support/test-server';

/**
 * The shape shared by the access matrices: the same five people ask every route, and a row
 * lists the status each of them should get, in this order.
 */
export const actors = ['anonymous', 'operator A', 'supervisor B', 'supervisor A', 'admin'] as const;
export type ActorName = (typeof actors)[number];
export type SignedInActor = Exclude<ActorName, 'anonymous'>;

export interface MatrixRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
}

export interface MatrixRow {
  route: string;
  /** Builds the cell's own records, so that one cell's change cannot decide another's status. */
  request: () => Promise<MatrixRequest>;
  /** Statuses in the order of `actors`. */
  expected: [number, number, number, number, number];
}

export interface SignedInActors {
  users: Record<SignedInActor, PublicUser>;
  cookies: Map<ActorName, string | undefined>;
}

export const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/** Creates the four people of the matrix (in teams A and B) and signs each of them in. */
export async function signInActors(
  server: TestServer,
  teams: { a: Team; b: Team },
): Promise<SignedInActors> {
  const users: Record<SignedInActor, PublicUser> = {
    'operator A': await createUser(server, { role: 'operator', teamId: teams.a.id }),
    'supervisor B': await createUser(server, { role: 'supervisor', teamId: teams.b.id }),
    'supervisor A': await createUser(server, { role: 'supervisor', teamId: teams.a.id }),
    admin: await createUser(server, { role: 'admin' }),
  };
  const cookies = new Map<ActorName, string | undefined>([['anonymous', undefined]]);
  for (const [name, user] of Object.entries(users)) {
    cookies.set(name as SignedInActor, await login(server, user.email));
  }

  return { users, cookies };
}

/**
 * One test per cell: the row's records are made afresh, the request is sent as the actor, and
 * a refusal must carry the stable error code as well as the status.
 */
export function testMatrix(
  rows: MatrixRow[],
  context: () => { server: TestServer; cookies: Map<ActorName, string | undefined> },
): void {
  const cells = rows.flatMap((row) =>
    actors.map((actor, index) => ({ ...row, actor, status: row.expected[index] })),
  );

  for (const { route, request, actor, status } of cells) {
    it(`${route} answers ${status} to ${actor}`, async () => {
      const { server, cookies } = context();

      const response = await send(server, cookies.get(actor), await request());

      expect(response.status, JSON.stringify(response.body)).toBe(status);
      if (status === 401)
        expect(response.body).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
      if (status === 403) expect(response.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
    });
  }
}

async function send(server: TestServer, cookie: string | undefined, request: MatrixRequest) {
  const { method, path, body } = request;
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(cookie ? { cookie } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();

  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}
