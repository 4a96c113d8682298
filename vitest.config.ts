import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // DuckDB files and ports are per test file; two cores on CI.
    pool: 'forks',
    maxWorkers: 2,
  },
});
