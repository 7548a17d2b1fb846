import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
    // A throw-away PostgreSQL server for the whole run, unless EN3S_TEST_PG_URL names one.
    globalSetup: ['tests/support/pg-global-setup.ts'],
  },
});
