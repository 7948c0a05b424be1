import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'tests/**/*.test.ts',
      'server/**/*.spec.ts',
      'telephony/**/*.spec.ts',
      'db/**/*.spec.ts',
    ],
    globalSetup: ['tests/support/global-postgres.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file gets its own database, so files run in parallel safely.
    fileParallelism: true,
    pool: 'forks',
  },
});
