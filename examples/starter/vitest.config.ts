import { defineProject } from 'vitest/config'

// End-to-end tests of the example app: a real Next server, a real Chromium (playwright-core).
export default defineProject({
  test: {
    name: 'starter',
    include: ['e2e/**/*.test.ts', 'e2e/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    // Pages of `next dev` can take a few seconds to compile on a busy machine.
    expect: { poll: { timeout: 15_000, interval: 100 } },
    // One app server, one browser: the files run one after another.
    fileParallelism: false,
    sequence: { concurrent: false },
  },
})
