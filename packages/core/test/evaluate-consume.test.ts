import { describe, expect, it } from 'vitest'
import { evaluateConsume } from '../src/adapter.js'
import { fixedWindow, slidingWindow, tokenBucket } from '../src/limiter/rules.js'
import type { ConsumeItem } from '../src/limiter/types.js'

// The decision a store that evaluates elsewhere (Redis Lua) reports from the states it read:
// one answer per item, in order, from that item's own state, and admitted only when all admit.
const NOW = Date.UTC(2026, 0, 1, 10, 30)
const HOUR = 3_600_000
const items: ConsumeItem[] = [
  { key: 'u', name: 'fixed', rule: fixedWindow({ limit: 5, window: '1 h' }), cost: 2 },
  { key: 'u', name: 'sliding', rule: slidingWindow({ limit: 5, window: '1 h' }), cost: 2 },
  { key: 'u', name: 'bucket', rule: tokenBucket({ capacity: 5, refillEvery: '1 h' }), cost: 2 },
]
const w = Math.floor(NOW / HOUR)

describe('evaluateConsume', () => {
  it('answers each item from its own state and admits when every rule does', () => {
    const { result, evaluations } = evaluateConsume(
      items,
      [{ window: w, count: 2, prev: 0 }, null, { tokens: 4.5, updatedAt: NOW - HOUR / 2 }],
      NOW,
    )
    expect(result).toEqual({
      allowed: true,
      now: NOW,
      rules: [
        { name: 'fixed', key: 'u', limit: 5, allowed: true, remaining: 1, reset: (w + 1) * HOUR, retryAfter: 0 },
        { name: 'sliding', key: 'u', limit: 5, allowed: true, remaining: 3, reset: (w + 2) * HOUR, retryAfter: 0 },
        // full again in 2 h: 2 / (1 / 3,600,000) is 7,200,000.000000001 in doubles, so 1 ms more
        { name: 'bucket', key: 'u', limit: 5, allowed: true, remaining: 3, reset: NOW + 2 * HOUR + 1, retryAfter: 0 },
      ],
    })
    expect(evaluations.map((e) => e.next)).toEqual([
      { window: w, count: 4, prev: 0 },
      { window: w, count: 2, prev: 0 },
      { tokens: 3, updatedAt: NOW },
    ])
  })

  it('refuses the call when one rule refuses, and reports the others as they stand', () => {
    const { result } = evaluateConsume(items, [{ window: w, count: 4, prev: 0 }, null, null], NOW)
    expect(result.allowed).toBe(false)
    expect(result.rules.map((r) => [r.name, r.allowed, r.remaining, r.retryAfter])).toEqual([
      ['fixed', false, 1, (w + 1) * HOUR - NOW],
      ['sliding', true, 3, 0],
      ['bucket', true, 3, 0],
    ])
  })
})
