import fc, { type Arbitrary } from 'fast-check'
import { expect } from 'vitest'
import { createManualClock } from '../clock.js'
import { evaluateRule, type RuleStateData } from '../limiter/algorithms.js'
import { fixedWindow, slidingWindow, tokenBucket } from '../limiter/rules.js'
import type { ConsumeItem, ConsumeResult, RuleSpec } from '../limiter/types.js'
import { createMemoryLimiterStore } from '../memory/memory-limiter-store.js'
import type { LimiterCheck } from './limiter-check-context.js'
import { assertProperty } from './seeded.js'

/**
 * A seeded, deterministic script of calls checked against algorithms.ts run by hand (no store
 * involved), so this check holds the memory store to the reference arithmetic too. Windows and
 * refill periods are not powers of two: floating-point refill must match the reference bit
 * for bit.
 */
export const matchesReferenceArithmetic: LimiterCheck = async ({ store, clock, key }) => {
  const k = key('reference')
  const rules: Record<string, RuleSpec> = {
    f: fixedWindow({ limit: 4, window: '1 m' }),
    s: slidingWindow({ limit: 5, window: '90 s' }),
    b: tokenBucket({ capacity: 3, refillEvery: '1 m', refillAmount: 2 }),
    b7: tokenBucket({ capacity: 7, refillEvery: '7 s' }),
  }
  const states = new Map<string, RuleStateData>()
  let seed = 42
  const random = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
    return seed % n
  }
  for (let step = 0; step < 120; step++) {
    clock.advance([0, 1, 999, 4_321, 17_000, 45_000, 61_000][random(7)]!)
    const items: ConsumeItem[] = Object.entries(rules)
      .filter(() => random(3) > 0)
      .map(([name, rule]) => ({ key: k, name, rule, cost: random(4) }))
    if (items.length === 0) continue
    const dryRun = random(5) === 0
    const now = clock.now()
    const evaluations = items.map((i) => evaluateRule(i.rule, states.get(i.name) ?? null, now, i.cost))
    const allowed = evaluations.every((e) => e.allowed)
    const expected: ConsumeResult = {
      allowed,
      now,
      rules: items.map((i, n) => {
        const { remaining, reset, retryAfter, allowed } = evaluations[n]!
        return { key: k, name: i.name, limit: i.rule.limit, remaining, reset, retryAfter, allowed }
      }),
    }
    if (allowed && !dryRun) {
      items.forEach((i, n) => {
        states.set(i.name, evaluations[n]!.next)
      })
    }
    expect(await store.consume({ items, dryRun }), `step ${step}`).toEqual(expected)
  }
}

type Command =
  | { type: 'consume'; picks: Array<{ rule: number; key: number }>; costs: number[]; dryRun: boolean }
  | { type: 'advance'; ms: number }
  | { type: 'reset'; key: number; names: string[] }

/**
 * fast-check: random sequences of consume / advance / reset give exactly the results of the
 * memory store (the model, on its own clock kept in step).
 */
export const matchesMemoryModel: LimiterCheck = async ({ store, clock, key, numRuns }) => {
  const ruleArb = fc
    .record({
      kind: fc.constantFrom('fixed_window' as const, 'sliding_window' as const, 'token_bucket' as const),
      limit: fc.integer({ min: 1, max: 8 }),
      windowMs: fc.constantFrom(60_000, 65_536, 90_000, 3_600_000),
      refillAmount: fc.integer({ min: 1, max: 3 }),
    })
    .map((r): RuleSpec => (r.kind === 'token_bucket' ? r : { ...r, refillAmount: 0 }))
  const commandArb: Arbitrary<Command> = fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({
        type: fc.constant('consume' as const),
        picks: fc.uniqueArray(fc.record({ rule: fc.nat(2), key: fc.nat(1) }), {
          minLength: 1,
          maxLength: 4,
          selector: (p) => `${p.rule}:${p.key}`,
        }),
        costs: fc.array(fc.nat(9), { minLength: 4, maxLength: 4 }),
        dryRun: fc.boolean(),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        type: fc.constant('advance' as const),
        ms: fc.oneof(fc.integer({ min: 0, max: 120_000 }), fc.constantFrom(1, 30_000, 60_000, 65_536, 3_600_000)),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        type: fc.constant('reset' as const),
        key: fc.nat(1),
        names: fc.subarray(['r0', 'r1', 'r2']),
      }),
    },
  )
  await assertProperty(
    fc.asyncProperty(
      fc.array(ruleArb, { minLength: 3, maxLength: 3 }),
      fc.array(commandArb, { minLength: 1, maxLength: 30 }),
      async (rules, commands) => {
        const base = key('model')
        const keys = [`${base}:a`, `${base}:b`]
        const modelClock = createManualClock(clock.now())
        const model = createMemoryLimiterStore({ clock: modelClock })
        for (const command of commands) {
          if (command.type === 'advance') {
            clock.advance(command.ms)
            modelClock.advance(command.ms)
          } else if (command.type === 'reset') {
            await store.reset(keys[command.key]!, command.names)
            await model.reset(keys[command.key]!, command.names)
          } else {
            const request = {
              dryRun: command.dryRun,
              items: command.picks.map((p, i) => ({
                key: keys[p.key]!,
                name: `r${p.rule}`,
                rule: rules[p.rule]!,
                cost: command.costs[i]!,
              })),
            }
            expect(await store.consume(request)).toEqual(await model.consume(request))
          }
        }
      },
    ),
    { numRuns },
  )
}
