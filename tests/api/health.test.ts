import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/accounts';
import { startTestServer } from '../support/test-server';
import type { TestServer } from '../support/test-server';

describe('GET /api/health', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('answers 200 with status ok while the database answers, without a session', async () => {
    const response = await apiClient(server).get('/api/health');

    expect(response.status).toBe(200);
    expect(response.body.status).toBe('ok');
    expect(response.body.database.status).toBe('ok');
  });

  it('refuses other anonymous API requests with 401 and a stable error body', async () => {
    const response = await apiClient(server).get('/api/customers');

    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      error: { code: 'UNAUTHENTICATED', message: 'Please log in.' },
    });
  });
});
