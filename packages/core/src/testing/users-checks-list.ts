import { expect } from 'vitest'
import type { UserStore } from '../users/types.js'
import { expectValidationError, uniqueId } from './usage-check-kit.js'
import { type UsersCheck, walkUsers } from './users-check-kit.js'

async function searchIds(users: UserStore, search: string): Promise<string[]> {
  return (await walkUsers(users, { search, limit: 200 }))
    .flat()
    .map((u) => u.id)
    .sort()
}

/** Listing checks: search semantics, newest-first order and keyset pagination. */
export const usersListChecks = {
  'list search is a case-insensitive substring of email, name or id': async ({ users }) => {
    const token = uniqueId('srch')
    const byId = `${token}-id`
    const byEmail = uniqueId('user-e')
    const byName = uniqueId('user-n')
    await users.upsert({ id: byId })
    await users.upsert({ id: byEmail, email: `${token.toUpperCase()}@Example.com` })
    await users.upsert({ id: byName, name: `Name ${token.toUpperCase()} Person` })
    await users.upsert({ id: uniqueId('user-no'), email: 'nobody@example.com', name: 'Nobody' })
    const all = [byId, byEmail, byName].sort()
    expect(await searchIds(users, token)).toEqual(all)
    expect(await searchIds(users, token.toUpperCase())).toEqual(all)
    expect(await searchIds(users, `${token}-ID`)).toEqual([byId])
    expect(await searchIds(users, `${token}@example.COM`)).toEqual([byEmail])
    expect(await searchIds(users, `name ${token}`)).toEqual([byName])
    expect(await searchIds(users, `${token}-nothing`)).toEqual([])
  },

  'list search treats %, _ and \\ as plain characters': async ({ users }) => {
    const token = uniqueId('lit')
    const special = `${token}-a_b%c`
    const plain = `${token}-axbyc`
    const slashed = `${token}-back\\slash`
    await users.upsert({ id: special })
    await users.upsert({ id: plain })
    await users.upsert({ id: slashed })
    expect(await searchIds(users, `${token}-back\\s`)).toEqual([slashed])
    expect(await searchIds(users, `${token}-back\\`)).toEqual([slashed])
    expect(await searchIds(users, `${token}-a_b%c`)).toEqual([special])
    expect(await searchIds(users, `${token}-a_b`)).toEqual([special])
    expect(await searchIds(users, `${token}-a%c`)).toEqual([])
    expect(await searchIds(users, `${token}%`)).toEqual([])
    expect(await searchIds(users, `${token}-axb`)).toEqual([plain])
  },

  'list walks every user exactly once, newest first, long ids included': async ({ users, clock }) => {
    const token = uniqueId('walk')
    const created: Array<{ id: string; createdAt: number }> = []
    for (let i = 0; i < 23; i++) {
      // Groups of three share a createdAt, so the id tie-break is exercised; some ids are 200 chars.
      if (i % 3 === 0) clock.advance(1)
      const id = i % 4 === 0 ? `${token}-${i}-`.padEnd(200, 'z') : `${token}-${i}`
      await users.upsert({ id })
      created.push({ id, createdAt: clock.now() })
    }
    const pages = await walkUsers(users, { search: token, limit: 5 })
    expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 3])
    const seen = pages.flat()
    expect(seen.map((u) => u.id).sort()).toEqual(created.map((c) => c.id).sort())
    expect(seen.map((u) => u.createdAt)).toEqual(created.map((c) => c.createdAt).sort((a, b) => b - a))
    const again = (await walkUsers(users, { search: token, limit: 7 })).flat()
    expect(again.map((u) => u.id)).toEqual(seen.map((u) => u.id))
    // Without a search every user is listed, still newest first.
    const top = (await users.list({ limit: 30 })).users.map((u) => u.createdAt)
    expect(top).toEqual([...top].sort((a, b) => b - a))
  },

  'list returns 50 users by default and refuses bad queries': async ({ users }) => {
    const token = uniqueId('many')
    for (let i = 0; i < 51; i++) await users.upsert({ id: `${token}-${i}` })
    const first = await users.list({ search: token })
    expect(first.users).toHaveLength(50)
    expect(first.nextCursor).not.toBeNull()
    const rest = await users.list({ search: token, cursor: first.nextCursor })
    expect(rest.users).toHaveLength(1)
    expect(rest.nextCursor).toBeNull()
    expect((await users.list({ search: token, limit: 200 })).users).toHaveLength(51)
    await expectValidationError(users.list({ limit: 0 }))
    await expectValidationError(users.list({ limit: 201 }))
    await expectValidationError(users.list({ search: 'x'.repeat(201) }))
    await expectValidationError(users.list({ cursor: 'not-a-cursor' }))
  },
} satisfies Record<string, UsersCheck>
