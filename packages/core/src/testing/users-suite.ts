import { afterAll, beforeAll, describe, it } from 'vitest'
import { createManualClock } from '../clock.js'
import type { HarnessFactory, SuiteOptions, UsersHarness } from './types.js'
import type { UsersCheckEnv } from './users-check-kit.js'
import { usersChecks } from './users-checks.js'

export type { UsersCheck, UsersCheckEnv } from './users-check-kit.js'
export { type UsersCheckName, usersChecks } from './users-checks.js'

/**
 * Registers the user store conformance tests (vitest) for one adapter.
 *
 * The factory runs once, in `beforeAll`, and gets a `ManualClock` starting 2026-01-01 that the
 * adapter must use as "now" (createdAt, updatedAt, logins without `at`); tests only move it
 * forward. Tests isolate themselves with unique user ids and search tokens, so the store may be
 * shared and need not start empty. `options.concurrency` (default 100 here) sets how many
 * logins race in the concurrency check.
 * @example
 * usersSuite('postgres', async ({ clock }) => ({ users: createPostgresStores(db, { clock }).users }))
 */
export function usersSuite(name: string, factory: HarnessFactory<UsersHarness>, options: SuiteOptions = {}): void {
  describe(`user store conformance: ${name}`, () => {
    const clock = createManualClock()
    let harness: UsersHarness | undefined
    const env = (): UsersCheckEnv => {
      if (harness === undefined) throw new Error('the users harness factory did not run')
      return { users: harness.users, clock, options }
    }
    beforeAll(async () => {
      harness = await factory({ clock })
    })
    afterAll(async () => {
      await harness?.close?.()
    })
    for (const [title, check] of Object.entries(usersChecks)) {
      it(title, () => check(env()))
    }
  })
}
