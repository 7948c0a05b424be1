import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAriServer } from '../fakes/ari/fake-ari-server';
import { apiClient } from '../support/accounts';
import { startTestServer } from '../support/test-server';
import type { TestServer } from '../support/test-server';

interface Telephony {
  connected: boolean;
  error?: string;
}

/** Asks a node's health until the predicate holds (a node retries its lock every 5 s). */
async function healthUntil(node: TestServer, ok: (telephony: Telephony) => boolean) {
  const deadline = Date.now() + 25_000;
  for (;;) {
    const health = await apiClient(node).get('/api/health');
    if (ok(health.body.telephony)) return health.body.telephony as Telephony;
    if (Date.now() > deadline)
      throw new Error(`health never matched: ${JSON.stringify(health.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('two nodes on one Asterisk application (CLUSTER=true, TELEPHONY=ari)', () => {
  let fake: FakeAriServer;
  let first: TestServer;
  let second: TestServer;

  beforeAll(async () => {
    fake = new FakeAriServer({ username: 'crm', password: 'secret', app: 'crm' });
    await fake.start();
    const env = {
      CLUSTER: 'true',
      TELEPHONY: 'ari',
      ARI_URL: fake.url,
      ARI_USERNAME: 'crm',
      ARI_PASSWORD: 'secret',
    };
    first = await startTestServer(env);
    await healthUntil(first, (telephony) => telephony.connected);
    second = await startTestServer(env, { sameDatabaseAs: first });
  });
  afterAll(async () => {
    await second?.close();
    await fake?.stop();
  });

  it('lets one node hold the ARI connection while the other stands by, then take over', async () => {
    const standby = await healthUntil(second, (telephony) => telephony.error !== undefined);
    expect(standby.connected).toBe(false);
    expect(standby.error).toMatch(/standby/);
    expect((await apiClient(first).get('/api/health')).body.telephony.connected).toBe(true);

    await first.close();

    const takenOver = await healthUntil(second, (telephony) => telephony.connected);
    expect(takenOver.error).toBeUndefined();
  });
});
