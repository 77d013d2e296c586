import { expect, it } from 'vitest'
import { runOnEdge } from './edge-run.js'

it('a wrapped handler runs under edge-runtime (Web APIs only) with the memory stores', async () => {
  const result = await runOnEdge('./edge/scenario.ts', '__scenario', {
    // loaded lazily by `after`; absent on this runtime, as on any non-Next host
    external: ['next/server'],
  })
  expect(result).toEqual({
    isEdge: true,
    hasProcess: false,
    fixed: { status: 200, credits: '8', rateLimit: expect.stringMatching(/^"minute";r=4;t=\d+$/) },
    anonymous: 401,
    streamed: { status: 200, type: 'text/event-stream; charset=utf-8', lines: 3 },
    available: 10_000 - 2000 - 390 - 1000,
    held: 0,
    statuses: [
      ['ok', 2000],
      ['ok', 390],
      ['ok', 1000],
    ],
  })
})
