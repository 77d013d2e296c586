import { afterAll, beforeAll, describe, it } from 'vitest'
import { createManualClock } from '../clock.js'
import { type LimiterCheck, type LimiterCheckContext, limiterCheckContext } from './limiter-check-context.js'
import * as hostile from './limiter-checks-hostile.js'
import * as model from './limiter-checks-model.js'
import * as requests from './limiter-checks-requests.js'
import * as windows from './limiter-checks-windows.js'
import type { HarnessFactory, LimiterStoreHarness, SuiteOptions } from './types.js'

export { alignTo, type LimiterCheck, type LimiterCheckContext, limiterCheckContext } from './limiter-check-context.js'

/**
 * Every check `limiterStoreSuite` runs, by name. Exposed so a test can run one check against a
 * store on its own, e.g. to prove a deliberately broken store fails the check meant to catch it:
 * `await expect(limiterStoreChecks.multiRuleAtomicity(limiterCheckContext(store, clock))).rejects.toThrow()`.
 */
export const limiterStoreChecks = {
  ...windows,
  ...requests,
  ...model,
  ...hostile,
} satisfies Record<string, LimiterCheck>

/** The name of one check of `limiterStoreSuite`. */
export type LimiterCheckName = keyof typeof limiterStoreChecks

/** Checks that make many calls get longer than vitest's default timeout on remote stores. */
const SLOW: ReadonlySet<string> = new Set<LimiterCheckName>([
  'concurrentConsumesAreExact',
  'matchesMemoryModel',
  'matchesReferenceArithmetic',
])

/**
 * Registers the limiter store conformance tests (docs/semantics.md, Limiter store) with vitest.
 * The factory runs once, in `beforeAll`, and receives the clock the store must use for every
 * decision; checks isolate themselves with unique keys, so the store may be shared.
 * @example
 * limiterStoreSuite('redis', async ({ clock }) => ({ store: createRedisStores(redis, { clock }).limiterStore }))
 */
export function limiterStoreSuite(
  name: string,
  factory: HarnessFactory<LimiterStoreHarness>,
  options: SuiteOptions = {},
): void {
  describe(`limiter store conformance: ${name}`, () => {
    let harness: LimiterStoreHarness | undefined
    let ctx: LimiterCheckContext | undefined
    beforeAll(async () => {
      const clock = createManualClock()
      harness = await factory({ clock })
      ctx = limiterCheckContext(harness.store, clock, options)
    })
    afterAll(async () => {
      await harness?.close?.()
    })
    for (const [checkName, check] of Object.entries(limiterStoreChecks) as Array<[string, LimiterCheck]>) {
      it(
        checkName,
        async () => {
          if (!ctx) throw new Error('the harness factory failed')
          await check(ctx)
        },
        SLOW.has(checkName) ? 120_000 : 30_000,
      )
    }
  })
}
