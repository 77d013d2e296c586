import { describe, expect, it } from 'vitest'
import { type Clock, createManualClock, systemClock } from '../src/clock.js'
import { evaluateRule, type RuleStateData } from '../src/limiter/algorithms.js'
import type { ConsumeRequest, ConsumeResult, LimiterStore } from '../src/limiter/types.js'
import { createMemoryLimiterStore } from '../src/memory/memory-limiter-store.js'
import { consumeRequestSchema, parse } from '../src/schemas.js'
import { type LimiterCheckName, limiterCheckContext, limiterStoreChecks } from '../src/testing/limiter-store-suite.js'

/**
 * Deliberately broken stores, each failing the one check written to catch its bug, and passing
 * a check unrelated to it (so the failure is that bug, not a store too broken to run at all).
 */
type Flaw = 'consumes-despite-refusal' | 'ignores-clock' | 'never-rolls-window' | 'read-await-write'

function brokenStore(clock: Clock, flaw: Flaw): LimiterStore {
  const states = new Map<string, RuleStateData>()
  const id = (key: string, name: string) => JSON.stringify([key, name])
  return {
    async consume(request: ConsumeRequest): Promise<ConsumeResult> {
      const { items, dryRun } = parse(consumeRequestSchema, request)
      const read = items.map((i) => states.get(id(i.key, i.name)) ?? null)
      // The classic race: the check and the write are two steps with a gap between them.
      if (flaw === 'read-await-write') await new Promise((resolve) => setImmediate(resolve))
      const now = flaw === 'ignores-clock' ? systemClock.now() : clock.now()
      const evaluations = items.map((i, n) => {
        let state = read[n]!
        // Counts kept forever: any stored window is taken for the current one.
        if (flaw === 'never-rolls-window' && state && 'window' in state) {
          state = { ...state, window: Math.floor(now / i.rule.windowMs) }
        }
        return evaluateRule(i.rule, state, now, i.cost)
      })
      const allowed = evaluations.every((e) => e.allowed)
      items.forEach((i, n) => {
        const e = evaluations[n]!
        const write = flaw === 'consumes-despite-refusal' ? e.allowed : allowed
        if (write && !dryRun) states.set(id(i.key, i.name), e.next)
      })
      return {
        allowed,
        now,
        rules: items.map((i, n) => {
          const { remaining, reset, retryAfter, allowed } = evaluations[n]!
          return { key: i.key, name: i.name, limit: i.rule.limit, remaining, reset, retryAfter, allowed }
        }),
      }
    },
    async reset(key, names) {
      for (const name of names) states.delete(id(key, name))
    },
  }
}

const cases: Array<{ flaw: Flaw; fails: LimiterCheckName[]; passes: LimiterCheckName }> = [
  { flaw: 'consumes-despite-refusal', fails: ['multiRuleAtomicity'], passes: 'fixedWindowAdmitsLimitThenRefuses' },
  {
    flaw: 'ignores-clock',
    fails: ['fixedWindowResetsAtBoundary', 'slidingWindowWeighting', 'tokenBucketBurstAndRefill'],
    passes: 'invalidRequestsRejected',
  },
  {
    flaw: 'never-rolls-window',
    fails: ['fixedWindowResetsAtBoundary', 'slidingWindowWeighting'],
    passes: 'tokenBucketBurstAndRefill',
  },
  { flaw: 'read-await-write', fails: ['concurrentConsumesAreExact'], passes: 'multiRuleAtomicity' },
]

describe('limiterStoreSuite catches broken stores', () => {
  for (const { flaw, fails, passes } of cases) {
    for (const check of fails) {
      it(`${flaw} fails ${check}`, async () => {
        const clock = createManualClock()
        const ctx = limiterCheckContext(brokenStore(clock, flaw), clock, { concurrency: 300 })
        // An assertion of the check fails, not some crash on the way.
        await expect(limiterStoreChecks[check](ctx)).rejects.toMatchObject({ name: 'AssertionError' })
      })
    }
    it(`${flaw} still passes ${passes}`, async () => {
      const clock = createManualClock()
      await limiterStoreChecks[passes](limiterCheckContext(brokenStore(clock, flaw), clock, { concurrency: 300 }))
    })
  }

  it('the model property catches a store that drifts from the memory model', async () => {
    const clock = createManualClock()
    const inner = createMemoryLimiterStore({ clock })
    // Off by one in its remaining count, only on refusals: a subtle drift only sequences find.
    const drifting: LimiterStore = {
      reset: (key, names) => inner.reset(key, names),
      async consume(request) {
        const result = await inner.consume(request)
        if (result.allowed) return result
        return { ...result, rules: result.rules.map((r) => ({ ...r, remaining: r.remaining + 1 })) }
      },
    }
    await expect(limiterStoreChecks.matchesMemoryModel(limiterCheckContext(drifting, clock))).rejects.toThrow(
      /Property failed/,
    )
  })

  it('every check passes on the memory store it is modelled on', async () => {
    const clock = createManualClock()
    const ctx = limiterCheckContext(createMemoryLimiterStore({ clock }), clock, { concurrency: 300 })
    for (const check of Object.values(limiterStoreChecks)) await check(ctx)
  })
})
