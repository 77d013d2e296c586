import { type ConsumeRequest, consumeRequestSchema, fixedWindow, slidingWindow, tokenBucket } from '@metered/core'
import { assertProperty, badStrings } from '@metered/core/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fastAccepts } from '../src/consume-request.js'

const number = fc.oneof(
  fc.integer({ min: -2, max: 40 }),
  fc.constantFrom(0, 1, 2 ** 53 - 1, 2 ** 53, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 1e12),
)
const text = fc.oneof(
  fc.string({ maxLength: 3 }),
  fc.constantFrom('', 'a'.repeat(100), 'a'.repeat(101), 'b'.repeat(201)),
  // the string rule: no NUL, no lone surrogate (a pair is fine)
  fc.constantFrom('\0', 'k\0', 'k\uD800', '\uDC00n', 'k\uDE00\uD83D', 'k\uD83D\uDE00'),
)
const rule = fc.record(
  {
    kind: fc.constantFrom('fixed_window', 'sliding_window', 'token_bucket', 'leaky'),
    limit: number,
    windowMs: fc.oneof(number, fc.constant(86_400_000_000)),
    refillAmount: number,
    extra: fc.constant(1),
  },
  { requiredKeys: ['kind', 'limit', 'windowMs', 'refillAmount'] },
)
const item = fc.record(
  {
    key: fc.oneof(text, fc.constant('k')),
    name: fc.oneof(text, fc.constant('n')),
    rule,
    cost: number,
    extra: fc.constant(1),
  },
  { requiredKeys: ['key', 'name', 'rule', 'cost'] },
)
const request = fc.record(
  { items: fc.array(item, { maxLength: 34 }), dryRun: fc.oneof(fc.boolean(), fc.constant('yes')) },
  { requiredKeys: ['items'] },
)

describe('the consume request fast path', () => {
  it('never accepts what core’s schema refuses', () => {
    assertProperty(
      fc.property(request, (r) => {
        if (fastAccepts(r as ConsumeRequest)) expect(consumeRequestSchema.safeParse(r).success).toBe(true)
      }),
      { numRuns: 5000 },
    )
  })

  it('leaves strings that break the string rule to the schema, which refuses them', () => {
    const rule = fixedWindow({ limit: 5, window: '1 m' })
    for (const bad of badStrings('key-1')) {
      for (const item of [
        { key: bad.value, name: 'n', rule, cost: 1 },
        { key: 'k', name: bad.value, rule, cost: 1 },
      ]) {
        const r = { items: [item] }
        expect(fastAccepts(r), bad.name).toBe(false)
        expect(consumeRequestSchema.safeParse(r).success, bad.name).toBe(false)
      }
    }
  })

  it('accepts what createLimiter sends', () => {
    const rules = [
      tokenBucket({ capacity: 10, refillEvery: '1 s' }),
      slidingWindow({ limit: 60, window: '1 m' }),
      fixedWindow({ limit: 1000, window: '1 d' }),
    ]
    const r = { items: rules.map((rule, i) => ({ key: 'user:1', name: `r${i}`, rule, cost: 1 })), dryRun: true }
    expect(fastAccepts(r)).toBe(true)
    expect(fastAccepts({ items: [{ key: 'k', name: 'a', rule: rules[0]!, cost: 1 }] })).toBe(true)
  })
})
