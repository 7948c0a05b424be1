import fs from 'node:fs/promises';
import { pino } from 'pino';
import { loadConfig } from '../../server/config/config';
import type { Config } from '../../server/config/config';
import { startServer } from '../../server/server';
import type { RunningServer, StartOptions } from '../../server/server';
import { createTestDatabase, openTestDatabase } from './test-database';
import type { TestDatabase } from './test-database';

export interface TestServer extends RunningServer {
  testDatabase: TestDatabase;
  config: Config;
}

/**
 * The real server on a free port, over a fresh database of the run's PostgreSQL. `env` adds
 * environment variables (as strings, parsed by the real configuration loader); `provider`, a
 * telephony provider built by the test (one pointed at a fake PBX), replaces the configured one.
 */
export async function startTestServer(
  env: Record<string, string> = {},
  options: Partial<Pick<StartOptions, 'web' | 'provider'>> & {
    /** Another node over the same database (for multi-process tests). */
    sameDatabaseAs?: TestServer;
  } = {},
): Promise<TestServer> {
  const shared = options.sameDatabaseAs?.testDatabase;
  const testDatabase = shared
    ? { ...(await openTestDatabase(shared.url, shared.name)) }
    : await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    SESSION_SECRET: 'test-secret-test-secret-test-secret-0123',
    DATA_DIR: `/tmp/crm-test-data-${testDatabase.name}`,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
  const logger = pino({ level: config.logLevel });
  const server = await startServer({
    config,
    logger,
    database: { ...testDatabase, embedded: false },
    web: options.web,
    provider: options.provider,
  });

  return {
    ...server,
    testDatabase,
    config,
    close: async () => {
      await server.close();
      await testDatabase.close();
      await fs.rm(config.dataDir, { recursive: true, force: true });
    },
  };
}
