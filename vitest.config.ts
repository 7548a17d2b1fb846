import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The chaos test runs here in its short form (200 jobs on SQLite, 80 on PostgreSQL with two
    // instances); `npm run test:chaos` plays 10,000.
    exclude: ['**/node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
    // A throw-away PostgreSQL server for the whole run, unless EN3S_TEST_PG_URL names one.
    globalSetup: ['tests/support/pg-global-setup.ts'],
  },
});
