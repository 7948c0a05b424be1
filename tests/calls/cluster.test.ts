import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, createTeam, createUser, login } from '../support/accounts';
import { ConsoleSocket } from '../support/console-socket';
import { startTestServer } from '../support/test-server';
import type { TestServer } from '../support/test-server';

describe('two CRM processes over one database (CLUSTER=true)', () => {
  let nodeA: TestServer;
  let nodeB: TestServer;
  const sockets: ConsoleSocket[] = [];

  beforeAll(async () => {
    nodeA = await startTestServer({ CLUSTER: 'true' });
    nodeB = await startTestServer({ CLUSTER: 'true' }, { sameDatabaseAs: nodeA });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await nodeB.close();
    await nodeA.close();
  });

  it('pops the card on a console connected to the other node', async () => {
    const team = await createTeam(nodeA);
    const operator = await createUser(nodeA, { role: 'operator', teamId: team.id });
    const supervisor = await createUser(nodeA, { role: 'supervisor', teamId: team.id });

    // The operator works through node B; the call arrives at node A.
    const operatorCookie = await login(nodeB, operator.email);
    const console = new ConsoleSocket(nodeB, operatorCookie);
    sockets.push(console);
    await console.connected();
    expect(
      (await apiClient(nodeB, operatorCookie).put('/api/me/status', { status: 'available' }))
        .status,
    ).toBe(200);

    const boss = apiClient(nodeA, await login(nodeA, supervisor.email));
    const placed = await boss.post('/api/sim/calls', { from: '+7 916 700 11 22' });
    expect(placed.status).toBe(201);

    const card = await console.next('call:card', (c) => c.call.id === placed.body.id);
    expect(card.call.operatorId).toBe(operator.id);
    expect(card.number.e164).toBe('+79167001122');
    await boss.post(`/api/calls/${placed.body.id}/hangup`);
  });

  it('accepts a session made on one node at the other', async () => {
    const user = await createUser(nodeA, { role: 'operator' });
    const cookie = await login(nodeA, user.email);

    const me = await apiClient(nodeB, cookie).get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(user.id);
  });
});
