import { defineConfig } from 'vitest/config'

// One run over every package. Each package keeps its own vitest config (a "project");
// tooling/global-setup starts throwaway PostgreSQL and Redis servers once for all of them.
export default defineConfig({
  test: {
    projects: ['packages/*', 'examples/*'],
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'reports/vitest.json' }]] : ['default'],
  },
})
