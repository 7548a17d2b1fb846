import { defineConfig } from 'vitest/config';

/**
 * `npm run test:unit`: the pure and unit suites alone, for the edit–test loop. No database
 * server, no process, no browser: worker threads, which start faster than forks.
 * `npm test` stays the whole suite (vitest.config.ts).
 */
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 30_000,
    pool: 'threads',
    reporters: ['default'],
  },
});
