import { defineConfig } from 'vitest/config';

// One test runner for the whole repository. The server's tests run on the embedded PGlite by
// default and on a PostgreSQL server when DATABASE_URL is set (see .ci/run).
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['packages/server/src/testing/global-setup.ts'],
    reporters: ['default'],
  },
});
