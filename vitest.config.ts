import { defineConfig } from 'vitest/config'

// One run over every package. Each package keeps its own vitest config (a "project");
// tooling/src/global-setup.ts starts throwaway PostgreSQL and Redis servers once for all of them
// (unless DATABASE_URL / REDIS_URL are set) and exports their URLs to every test worker.
export default defineConfig({
  test: {
    projects: ['packages/*', 'examples/*', 'tooling'],
    globalSetup: ['./tooling/src/global-setup.ts'],
    // In CI a JSON report for .ci/count-tests.mjs (override with --outputFile.json=<file>).
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: 'reports/vitest.json' },
  },
})
