import { expect } from 'vitest'
import type { UserProfileInput } from '../users/types.js'
import { type Attempt, expectAllRefused } from './expect-refused.js'
import { badIds, badStrings, edgeIds } from './hostile-inputs.js'
import { uniqueId } from './usage-check-kit.js'
import type { UsersCheck } from './users-check-kit.js'

/** The input rules (docs/semantics.md) through every user store call. */
export const usersHostileChecks = {
  'hostile ids and profile strings are refused and nothing changes': async ({ users }) => {
    const id = uniqueId('user-hostile')
    await users.upsert({ id, email: `${id}@example.com`, name: 'Ada' })
    await users.recordLogin({ userId: id, provider: 'github' })
    const before = { user: await users.get(id), logins: await users.logins(id) }
    const base = uniqueId('user-bad')
    const attempts: Attempt[] = []
    const upsert = (over: Record<string, unknown>) => users.upsert({ id, ...over } as UserProfileInput)
    for (const h of badIds(base)) {
      const v = h.value as string
      attempts.push([`upsert id = ${h.name}`, () => users.upsert({ id: v, email: 'x@example.com' })])
      attempts.push([`get id = ${h.name}`, () => users.get(v)])
      attempts.push([`setRole id = ${h.name}`, () => users.setRole(v, 'admin')])
      attempts.push([`logins userId = ${h.name}`, () => users.logins(v)])
      attempts.push([`recordLogin userId = ${h.name}`, () => users.recordLogin({ userId: v, provider: 'github' })])
    }
    for (const h of badStrings(base)) {
      for (const field of ['email', 'name', 'image', 'plan']) {
        attempts.push([`upsert ${field} = ${h.name}`, () => upsert({ [field]: h.value })])
      }
      for (const field of ['provider', 'ip', 'userAgent']) {
        attempts.push([
          `recordLogin ${field} = ${h.name}`,
          () => users.recordLogin({ userId: id, provider: 'github', [field]: h.value }),
        ])
      }
      attempts.push([`list search = ${h.name}`, () => users.list({ search: h.value })])
      attempts.push([`logins cursor = ${h.name}`, () => users.logins(id, { cursor: h.value })])
    }
    await expectAllRefused(attempts)

    expect({ user: await users.get(id), logins: await users.logins(id) }).toEqual(before)
    for (const landed of [base, `${base}\uFFFD`]) expect(await users.get(landed)).toBeNull()
    expect((await users.list({ search: base })).users).toEqual([])
  },

  'edge ids are users of their own': async ({ users }) => {
    const base = uniqueId('user-edge')
    const ids = edgeIds(base).filter((h) => h.value.startsWith(base))
    for (const [i, h] of ids.entries()) await users.upsert({ id: h.value, name: h.value, plan: `p${i}` })
    for (const [i, h] of ids.entries()) {
      expect(await users.get(h.value), h.name).toMatchObject({ id: h.value, name: h.value, plan: `p${i}` })
    }
    await users.setRole(ids[1]!.value, 'admin')
    expect((await users.get(ids[0]!.value))?.role).toBe('user')
    expect((await users.get(ids[1]!.value))?.role).toBe('admin')
  },
} satisfies Record<string, UsersCheck>
