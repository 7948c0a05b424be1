import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, createTeam, createUser, login } from '../support/accounts';
import { ConsoleSocket } from '../support/console-socket';
import { startTestServer } from '../support/test-server';
import type { TestServer } from '../support/test-server';

describe('callbacks falling due', () => {
  let server: TestServer;
  const sockets: ConsoleSocket[] = [];

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server.close();
  });

  async function consoleOf(email: string) {
    const cookie = await login(server, email);
    const socket = new ConsoleSocket(server, cookie);
    sockets.push(socket);
    await socket.connected();
    return { socket, api: apiClient(server, cookie) };
  }

  it('announce a due callback once to its owner, and an unowned one to the team', async () => {
    const team = await createTeam(server);
    const owner = await createUser(server, { role: 'operator', teamId: team.id });
    const colleague = await createUser(server, { role: 'operator', teamId: team.id });
    const mine = await consoleOf(owner.email);
    const theirs = await consoleOf(colleague.email);
    const customer = await mine.api.post('/api/customers', { name: 'Anna Volkova', phones: [] });

    const db = server.testDatabase.db;
    const insert = (ownerId: string | null, minutes: number) =>
      db
        .insertInto('callbacks')
        .values({
          customer_id: customer.body.id,
          team_id: team.id,
          owner_id: ownerId,
          reason: ownerId ? 'postponed' : 'missed_call',
          call_id: null,
          due_at: sql<Date>`now() + make_interval(mins => ${minutes})`,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    const owned = await insert(owner.id, -1);
    const unowned = await insert(null, -2);
    const later = await insert(owner.id, 60);

    await server.reminder.tick();

    const toOwner = await mine.socket.next('callback:due', (c) => c.callbackId === owned.id);
    expect(toOwner.customerName).toBe('Anna Volkova');
    expect(toOwner.reason).toBe('postponed');
    await theirs.socket.next('callback:due', (c) => c.callbackId === unowned.id);
    expect(
      theirs.socket
        .received('callback:due')
        .some((c) => (c as { callbackId: string }).callbackId === owned.id),
    ).toBe(false);

    // A second round announces nothing again, and nothing that is not due yet.
    await server.reminder.tick();
    const announced = await db
      .selectFrom('callbacks')
      .select(['id', 'notified_at'])
      .where('id', 'in', [owned.id, unowned.id, later.id])
      .execute();
    const byId = new Map(announced.map((row) => [row.id, row.notified_at]));
    expect(byId.get(owned.id)).not.toBeNull();
    expect(byId.get(later.id)).toBeNull();
    // Besides the one taken above, the owner saw only the team's unowned callback, once.
    const rest = mine.socket.received('callback:due') as { callbackId: string }[];
    expect(rest.map((c) => c.callbackId)).toEqual([unowned.id]);
  });
});
