import { expect } from 'vitest'
import type { Login, LoginInput, LoginPage, UserStore } from '../users/types.js'
import { expectNotFound, expectValidationError, uniqueId } from './usage-check-kit.js'
import type { UsersCheck } from './users-check-kit.js'

async function walkLogins(users: UserStore, userId: string, limit: number): Promise<Login[][]> {
  const pages: Login[][] = []
  let cursor: string | null = null
  do {
    const page: LoginPage = await users.logins(userId, { cursor, limit })
    pages.push(page.logins)
    cursor = page.nextCursor
    if (pages.length > 1000) throw new Error('logins kept returning a nextCursor')
  } while (cursor !== null)
  return pages
}

/** Login checks: counting, history order, pagination, isolation, concurrency and refusals. */
export const usersLoginChecks = {
  'recordLogin counts logins and keeps lastLoginAt at the latest login': async ({ users, clock }) => {
    const userId = uniqueId('user-login')
    await users.upsert({ id: userId })
    clock.advance(60_000)
    const now = clock.now()
    const first = await users.recordLogin({ userId, provider: 'google', ip: '203.0.113.7', userAgent: 'Firefox' })
    expect(first).toEqual({
      id: first.id,
      userId,
      provider: 'google',
      ip: '203.0.113.7',
      userAgent: 'Firefox',
      at: now,
    })
    expect(await users.get(userId)).toMatchObject({ loginCount: 1, lastLoginAt: now })
    const second = await users.recordLogin({ userId, provider: 'credentials', at: new Date(now + 5000) })
    expect(second).toMatchObject({ userId, provider: 'credentials', ip: null, userAgent: null, at: now + 5000 })
    expect(await users.get(userId)).toMatchObject({ loginCount: 2, lastLoginAt: now + 5000 })
    // A login reported late counts, but lastLoginAt never moves backwards.
    await users.recordLogin({ userId, provider: 'google', at: now - 100_000 })
    expect(await users.get(userId)).toMatchObject({ loginCount: 3, lastLoginAt: now + 5000 })
    expect((await users.logins(userId)).logins.map((l) => l.at)).toEqual([now + 5000, now, now - 100_000])
  },

  'recordLogin for an unknown user is NotFoundError and writes nothing': async ({ users }) => {
    const userId = uniqueId('user-nobody')
    await expectNotFound(users.recordLogin({ userId, provider: 'google' }))
    expect(await users.get(userId)).toBeNull()
    expect(await users.logins(userId)).toEqual({ logins: [], nextCursor: null })
  },

  'logins are newest first and paginate exactly once': async ({ users, clock }) => {
    const userId = uniqueId('user-history')
    await users.upsert({ id: userId })
    const base = clock.now()
    // 14 logins on 5 distinct instants (ties must still page exactly once), recorded out of order.
    const offsets = Array.from({ length: 14 }, (_, i) => Math.floor(i / 3) * 1000).sort(() => Math.random() - 0.5)
    const ids: string[] = []
    for (const o of offsets) ids.push((await users.recordLogin({ userId, provider: 'google', at: base + o })).id)
    const pages = await walkLogins(users, userId, 5)
    expect(pages.map((p) => p.length)).toEqual([5, 5, 4])
    const seen = pages.flat()
    expect(seen.map((l) => l.id).sort()).toEqual([...ids].sort())
    expect(seen.map((l) => l.at)).toEqual(offsets.map((o) => base + o).sort((a, b) => b - a))
    const again = (await walkLogins(users, userId, 3)).flat()
    expect(again.map((l) => l.id)).toEqual(seen.map((l) => l.id))
  },

  "another user's logins are never returned": async ({ users }) => {
    const a = uniqueId('user-la')
    const b = uniqueId('user-lb')
    await users.upsert({ id: a })
    await users.upsert({ id: b })
    for (let i = 0; i < 3; i++) await users.recordLogin({ userId: a, provider: 'google' })
    await users.recordLogin({ userId: b, provider: 'credentials' })
    const ofA = await users.logins(a)
    expect(ofA.logins.map((l) => [l.userId, l.provider])).toEqual([
      [a, 'google'],
      [a, 'google'],
      [a, 'google'],
    ])
    expect((await users.logins(b)).logins.map((l) => l.userId)).toEqual([b])
    expect(await users.get(a)).toMatchObject({ loginCount: 3 })
    expect(await users.get(b)).toMatchObject({ loginCount: 1 })
  },

  'concurrent logins of one user are all counted and all listed': async ({ users, clock, options }) => {
    const n = options.concurrency ?? 100
    const userId = uniqueId('user-rush')
    await users.upsert({ id: userId, role: 'admin' })
    const logins = await Promise.all(
      Array.from({ length: n }, (_, i) => users.recordLogin({ userId, provider: 'google', ip: `10.0.0.${i % 250}` })),
    )
    expect(new Set(logins.map((l) => l.id)).size).toBe(n)
    expect(await users.get(userId)).toMatchObject({ loginCount: n, lastLoginAt: clock.now(), role: 'admin' })
    // Every login shares one instant: the id tie-break alone must page them exactly once.
    const seen = (await walkLogins(users, userId, 30)).flat()
    expect(seen.map((l) => l.id).sort()).toEqual(logins.map((l) => l.id).sort())
    const firstPage = await users.logins(userId)
    expect(firstPage.logins).toHaveLength(Math.min(n, 50))
    expect(firstPage.nextCursor === null).toBe(n <= 50)
  },

  'invalid logins and page options are refused with ValidationError and nothing is written': async ({ users }) => {
    const userId = uniqueId('user-badlogin')
    await users.upsert({ id: userId })
    const bad: unknown[] = [
      { userId, provider: '' },
      { userId: '', provider: 'google' },
      { userId, provider: 'google', at: -1 },
      { userId, provider: 'google', ip: 'x'.repeat(101) },
      { userId, provider: 'google', unexpected: true },
      { userId },
    ]
    for (const input of bad) await expectValidationError(users.recordLogin(input as LoginInput))
    expect(await users.get(userId)).toMatchObject({ loginCount: 0, lastLoginAt: null })
    expect((await users.logins(userId)).logins).toEqual([])
    await expectValidationError(users.logins(userId, { limit: 0 }))
    await expectValidationError(users.logins(userId, { limit: 201 }))
    await expectValidationError(users.logins(userId, { cursor: 'not-a-cursor' }))
    await expectValidationError(users.logins(''))
  },
} satisfies Record<string, UsersCheck>
