import { describe, expect, it } from 'vitest'
import type { Duration } from '../src/duration.js'
import { ValidationError } from '../src/errors.js'
import { fixedWindow, slidingWindow, tokenBucket } from '../src/limiter/rules.js'
import { parse, ruleSpecSchema } from '../src/schemas.js'

function issuePath(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError)
    return (error as ValidationError).issues[0]?.path
  }
  throw new Error('expected a ValidationError')
}

describe('rule factories', () => {
  it('build plain, valid rule specs', () => {
    const specs = [
      fixedWindow({ limit: 1000, window: '1 d' }),
      slidingWindow({ limit: 60, window: '1 m' }),
      tokenBucket({ capacity: 10, refillEvery: '1 s' }),
      tokenBucket({ capacity: 100, refillEvery: 250, refillAmount: 5 }),
    ]
    expect(specs).toEqual([
      { kind: 'fixed_window', limit: 1000, windowMs: 86_400_000, refillAmount: 0 },
      { kind: 'sliding_window', limit: 60, windowMs: 60_000, refillAmount: 0 },
      { kind: 'token_bucket', limit: 10, windowMs: 1_000, refillAmount: 1 },
      { kind: 'token_bucket', limit: 100, windowMs: 250, refillAmount: 5 },
    ])
    for (const spec of specs) expect(parse(ruleSpecSchema, spec)).toEqual(spec)
    // Serialisable: stores receive them as data.
    expect(JSON.parse(JSON.stringify(specs))).toEqual(specs)
  })

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('refuse limit %s', (limit) => {
    expect(issuePath(() => fixedWindow({ limit, window: '1 m' }))).toBe('limit')
    expect(issuePath(() => slidingWindow({ limit, window: '1 m' }))).toBe('limit')
    expect(issuePath(() => tokenBucket({ capacity: limit, refillEvery: '1 s' }))).toBe('capacity')
  })

  it.each(['', 'soon', '0 s', 0, -5] as Duration[])('refuse window %s', (window) => {
    expect(issuePath(() => fixedWindow({ limit: 1, window }))).toBe('window')
    expect(issuePath(() => slidingWindow({ limit: 1, window }))).toBe('window')
    expect(issuePath(() => tokenBucket({ capacity: 1, refillEvery: window }))).toBe('refillEvery')
  })

  it.each([0, -1, 0.5])('refuse refillAmount %s', (refillAmount) => {
    expect(issuePath(() => tokenBucket({ capacity: 1, refillEvery: '1 s', refillAmount }))).toBe('refillAmount')
  })

  it('the store schema refuses specs the factories cannot build', () => {
    const bad = [
      { kind: 'token_bucket', limit: 5, windowMs: 1000, refillAmount: 0 },
      { kind: 'sliding_window', limit: 2 ** 40, windowMs: 86_400_000, refillAmount: 0 },
      { kind: 'leaky', limit: 5, windowMs: 1000, refillAmount: 0 },
      { kind: 'fixed_window', limit: 5, windowMs: 1000, refillAmount: 0, extra: 1 },
    ]
    for (const spec of bad) expect(() => parse(ruleSpecSchema, spec)).toThrow(ValidationError)
  })
})
