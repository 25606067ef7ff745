import { defineConfig } from 'vitest/config';

/**
 * Three suites: the integration suite on PGlite, the same suite on PostgreSQL (TEST_DATABASE_URL), and the browser
 * suite (Chromium). `npm test` (scripts/test.mjs) picks which run and says why any is skipped.
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'pglite', include: ['src/**/*.test.ts'], env: { HEARTH_TEST_DB: 'pglite' } },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ['src/**/*.test.ts'],
          exclude: ['src/**/*.pglite.test.ts'],
          env: { HEARTH_TEST_DB: 'postgres' },
        },
      },
      {
        extends: true,
        test: { name: 'browser', include: ['e2e/**/*.test.ts'], fileParallelism: false },
      },
    ],
  },
});
