import type { ManualClock } from '../clock.js'
import type { UserListQuery, UserPage, UserStore } from '../users/types.js'
import type { SuiteOptions } from './types.js'

/** What one users check runs against: the store under test, its clock and the suite options. */
export interface UsersCheckEnv {
  users: UserStore
  clock: ManualClock
  options: SuiteOptions
}

/** One conformance check. Throws (a failed `expect`) when the store breaks the contract. */
export type UsersCheck = (env: UsersCheckEnv) => Promise<void>

/** Follows `nextCursor` through `users.list` to the end; fails on a runaway walk. */
export async function walkUsers(users: UserStore, query: UserListQuery): Promise<UserPage['users'][]> {
  const pages: UserPage['users'][] = []
  let cursor: string | null = null
  do {
    const page: UserPage = await users.list({ ...query, cursor })
    pages.push(page.users)
    cursor = page.nextCursor
    if (pages.length > 1000) throw new Error('list kept returning a nextCursor')
  } while (cursor !== null)
  return pages
}
