import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: 'next',
    include: ['test/**/*.test.{ts,tsx}'],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'] },
    testTimeout: 30_000,
  },
})
