import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, createUser, login } from '../support/accounts';
import { startTestServer } from '../support/test-server';
import type { TestServer } from '../support/test-server';

describe('a supervisor who belongs to no team', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('gets the live calls of no team, not a server error', async () => {
    const supervisor = await createUser(server, { role: 'supervisor', teamId: null });
    const api = apiClient(server, await login(server, supervisor.email));

    const active = await api.get('/api/calls/active');

    expect(active.status).toBe(200);
    expect(active.body).toEqual([]);
  });
});
