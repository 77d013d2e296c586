import { expect, it } from 'vitest'
import { runOnEdge } from './edge-run.js'

it('the React entry server-renders and meteredFetch runs under edge-runtime (Web APIs only)', async () => {
  const result = await runOnEdge('./react-edge-scenario.tsx', '__reactScenario', {
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
  })
  expect(result).toEqual({
    isEdge: true,
    hasWindow: false,
    credits: true,
    lowCredits: true,
    search: true,
    balance: { available: 9.61, held: null },
    rateLimit: { policy: 'minute', remaining: 4, limit: 5 },
  })
})
