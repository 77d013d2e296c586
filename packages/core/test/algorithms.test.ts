import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { evaluateRule, type RuleStateData } from '../src/limiter/algorithms.js'
import type { RuleKind, RuleSpec } from '../src/limiter/types.js'
import { assertProperty } from '../src/testing/seeded.js'

/**
 * Properties of the reference arithmetic itself (every store copies it, so a flaw here is a
 * flaw everywhere): what `remaining` and `retryAfter` promise a client holds.
 */

const START = Date.UTC(2026, 0, 1)

/** A rule and the state a random history of calls leaves it in. */
function scenario(kinds: RuleKind[]) {
  return fc
    .record({
      kind: fc.constantFrom(...kinds),
      limit: fc.integer({ min: 1, max: 50 }),
      windowMs: fc.integer({ min: 1, max: 10_000_000 }),
      refill: fc.integer({ min: 1, max: 20 }),
      history: fc.array(fc.tuple(fc.integer({ min: 0, max: 3_000_000 }), fc.integer({ min: 0, max: 60 })), {
        maxLength: 20,
      }),
      cost: fc.integer({ min: 1, max: 60 }),
    })
    .map(({ kind, limit, windowMs, refill, history, cost }) => {
      const rule: RuleSpec = { kind, limit, windowMs, refillAmount: kind === 'token_bucket' ? refill : 0 }
      let now = START
      let state: RuleStateData | null = null
      for (const [dt, c] of history) {
        now += dt
        const e = evaluateRule(rule, state, now, c)
        if (e.allowed) state = e.next
      }
      return { rule, state, now: now + 1, cost }
    })
}

describe('reference arithmetic', () => {
  it('remaining is the largest cost admitted now', () => {
    assertProperty(
      fc.property(scenario(['fixed_window', 'sliding_window', 'token_bucket']), ({ rule, state, now }) => {
        const { remaining } = evaluateRule(rule, state, now, 0)
        expect(evaluateRule(rule, state, now, remaining).allowed).toBe(true)
        expect(evaluateRule(rule, state, now, remaining + 1).allowed).toBe(false)
      }),
      { numRuns: 5_000 },
    )
  })

  it('windows: retryAfter is exactly when the refused call would pass', () => {
    assertProperty(
      fc.property(scenario(['fixed_window', 'sliding_window']), ({ rule, state, now, cost }) => {
        const e = evaluateRule(rule, state, now, cost)
        if (e.allowed || cost > rule.limit) return
        expect(evaluateRule(rule, state, now + e.retryAfter, cost).allowed).toBe(true)
        expect(evaluateRule(rule, state, now + e.retryAfter - 1, cost).allowed).toBe(e.retryAfter === 0)
      }),
      { numRuns: 20_000 },
    )
  })

  it('token bucket: retryAfter is exactly when the refused call would pass', () => {
    // Tokens refill in doubles; retryAfter is stepped to the first whole millisecond at which the
    // same evaluation admits, so a client retrying at retryAfter is never refused again.
    assertProperty(
      fc.property(scenario(['token_bucket']), ({ rule, state, now, cost }) => {
        const e = evaluateRule(rule, state, now, cost)
        if (e.allowed || cost > rule.limit) return
        expect(e.retryAfter).toBeGreaterThan(0)
        expect(evaluateRule(rule, state, now + e.retryAfter, cost).allowed).toBe(true)
        expect(evaluateRule(rule, state, now + e.retryAfter - 1, cost).allowed).toBe(false)
      }),
      { numRuns: 20_000 },
    )
  })

  it('a refused call leaves the state as it was', () => {
    assertProperty(
      fc.property(scenario(['fixed_window', 'sliding_window', 'token_bucket']), ({ rule, state, now, cost }) => {
        const e = evaluateRule(rule, state, now, cost)
        if (e.allowed) return
        expect(evaluateRule(rule, e.next, now, 0).remaining).toBe(evaluateRule(rule, state, now, 0).remaining)
      }),
      { numRuns: 5_000 },
    )
  })
})
