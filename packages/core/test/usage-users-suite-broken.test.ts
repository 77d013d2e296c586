import { describe, expect, it } from 'vitest'
import { createManualClock } from '../src/clock.js'
import { createMemoryUsageStore } from '../src/memory/memory-usage.js'
import { createMemoryUserStore } from '../src/memory/memory-users.js'
import type { UsageCheckName } from '../src/testing/usage-suite.js'
import { usageChecks } from '../src/testing/usage-suite.js'
import type { UsersCheckName } from '../src/testing/users-suite.js'
import { usersChecks } from '../src/testing/users-suite.js'
import type { UsageStore } from '../src/usage/types.js'
import type { UserStore } from '../src/users/types.js'
import { brokenUsageStores as brokenUsage } from './broken-usage-stores.js'
import { brokenUserStores as brokenUsers } from './broken-user-stores.js'

/**
 * The usage and users suites are only worth running if they fail on wrong stores. Each case
 * wraps the memory store with one bug and shows that a named check passes on the real store
 * and fails (an assertion, not a crash of the test itself) on the broken one.
 */

async function expectCheckFails(run: Promise<void>): Promise<void> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error, 'the check passed on a broken store').toBeInstanceOf(Error)
  // fast-check reports a failed property as its own Error, with the assertion as its cause.
  const failure = error instanceof Error && /Property failed/.test(error.message) ? error.cause : error
  expect((failure as Error).name).toBe('AssertionError')
}

const usageCases: Array<[keyof typeof brokenUsage, UsageCheckName]> = [
  ['statsIgnoringTo', 'stats count from inclusive and to exclusive'],
  ['statsIgnoringAccount', 'stats of one account ignore other accounts; ALL_ACCOUNTS aggregates every account'],
  ['daysInUtcPlusOne', 'an event at 23:59:59.999 and one at midnight fall in different hours and days'],
  ['statsDroppingCachedTokens', 'property: stats equal the sums of the events in range (one account and all)'],
  ['listRepeatingAcrossPages', 'list walks every event exactly once, oldest first, even while events are added'],
  ['recordSanitisingInput', 'invalid events are refused with ValidationError and nothing is recorded'],
]

const usersCases: Array<[keyof typeof brokenUsers, UsersCheckName]> = [
  ['upsertDowngradingRole', 'upsert without a role never changes it; an explicit role does'],
  ['upsertIgnoringNulls', 'upsert updates given fields, keeps omitted ones and clears nulls'],
  ['racyLoginCount', 'concurrent logins of one user are all counted and all listed'],
  ['loginCreatingUnknownUsers', 'recordLogin for an unknown user is NotFoundError and writes nothing'],
  ['loginsLeakingOtherUsers', "another user's logins are never returned"],
  ['loginsRepeatingAcrossPages', 'logins are newest first and paginate exactly once'],
  ['caseSensitiveSearch', 'list search is a case-insensitive substring of email, name or id'],
  ['searchWithLikeWildcards', 'list search treats %, _ and \\ as plain characters'],
]

describe('usageSuite catches broken usage stores', () => {
  it.each(usageCases)('%s fails "%s"', async (bug, check) => {
    const clock = createManualClock()
    const options = { numRuns: 30 }
    await usageChecks[check]({ usage: createMemoryUsageStore({ clock }), clock, options })
    const broken: UsageStore = brokenUsage[bug](createMemoryUsageStore({ clock }))
    await expectCheckFails(usageChecks[check]({ usage: broken, clock, options }))
  })
})

describe('usersSuite catches broken user stores', () => {
  it.each(usersCases)('%s fails "%s"', async (bug, check) => {
    const clock = createManualClock()
    const options = { concurrency: 100 }
    await usersChecks[check]({ users: createMemoryUserStore({ clock }), clock, options })
    const broken: UserStore = brokenUsers[bug](createMemoryUserStore({ clock }))
    await expectCheckFails(usersChecks[check]({ users: broken, clock, options }))
  })
})
