import { defineProject } from 'vitest/config'

// The unit tests; the ones that build real Next.js apps are in test/e2e (`pnpm test:e2e`).
export default defineProject({
  test: { name: 'cli', include: ['test/*.test.ts'], testTimeout: 60_000 },
})
