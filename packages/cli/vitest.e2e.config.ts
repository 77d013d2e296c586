import { defineConfig } from 'vitest/config'

// Real apps from the registry, built with `next build` and served with `next start`: minutes each.
export default defineConfig({
  test: {
    name: 'cli-e2e',
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 15 * 60_000,
    // npm installs and `next build` on a shared 2-core machine: the set-up alone can pass 15 minutes
    hookTimeout: 40 * 60_000,
    fileParallelism: false,
    globalSetup: ['../../tooling/src/global-setup.ts'],
    // .ci/run counts this report (`--expect vitest-cli-e2e.json`)
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: '../../reports/vitest-cli-e2e.json' },
  },
})
