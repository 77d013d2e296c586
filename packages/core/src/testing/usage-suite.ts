import { afterAll, beforeAll, describe, it } from 'vitest'
import { createManualClock } from '../clock.js'
import type { HarnessFactory, SuiteOptions, UsageHarness } from './types.js'
import type { UsageCheckEnv } from './usage-check-kit.js'
import { usageChecks } from './usage-checks.js'

export type { UsageCheck, UsageCheckEnv } from './usage-check-kit.js'
export { type UsageCheckName, usageChecks } from './usage-checks.js'

/**
 * Registers the usage store conformance tests (vitest) for one adapter.
 *
 * The factory runs once, in `beforeAll`, and gets a `ManualClock` starting 2026-01-01 that the
 * adapter must use as "now" for events recorded without `at`. Tests isolate themselves with
 * unique account ids and, for `ALL_ACCOUNTS` queries, a random day between 2200 and 9000, so the store
 * may be shared with other tests and need not start empty.
 * @example
 * usageSuite('postgres', async ({ clock }) => ({ usage: createPostgresStores(db, { clock }).usage }))
 */
export function usageSuite(name: string, factory: HarnessFactory<UsageHarness>, options: SuiteOptions = {}): void {
  describe(`usage store conformance: ${name}`, () => {
    const clock = createManualClock()
    let harness: UsageHarness | undefined
    const env = (): UsageCheckEnv => {
      if (harness === undefined) throw new Error('the usage harness factory did not run')
      return { usage: harness.usage, clock, options }
    }
    beforeAll(async () => {
      harness = await factory({ clock })
    })
    afterAll(async () => {
      await harness?.close?.()
    })
    for (const [title, check] of Object.entries(usageChecks)) {
      it(title, () => check(env()))
    }
  })
}
