import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Every reply of a test platform is checked against its route's response schema; a mismatch fails the file.
    setupFiles: ['test/support/response-check.setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each file gets its own process: PGlite and DuckDB hold native/WASM state.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2 } },
  },
});
