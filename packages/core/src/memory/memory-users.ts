import { userStoreFrom } from '../adapter/user-store-from.js'
import { type Clock, systemClock } from '../clock.js'
import { NotFoundError } from '../errors.js'
import { decodeKeysetCursor, encodeKeysetCursor } from '../usage/keyset-cursor.js'
import type { Login, UserProfile, UserStore } from '../users/types.js'
import type { UserDriver } from '../users/user-driver.js'

/** Options of `createMemoryUserStore`. */
export interface MemoryUserStoreOptions {
  /** Where "now" comes from for `createdAt`, `updatedAt` and logins without `at`. @default systemClock */
  clock?: Clock
}

/** Descending (time, id): newest first, ties broken the same way on every page. */
function newestFirst(a: { t: number; id: string }, b: { t: number; id: string }): number {
  return b.t - a.t || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
}

/** Strictly after `after` in newest-first order. */
function isAfter(t: number, id: string, after: { at: number; id: string } | null): boolean {
  return after === null || t < after.at || (t === after.at && id < after.id)
}

/**
 * The reference user store: profiles and logins in maps. Each method runs without awaiting
 * in between its read and its write, which is what keeps concurrent logins from losing counts.
 */
export function createMemoryUserStore(options: MemoryUserStoreOptions = {}): UserStore {
  const clock = options.clock ?? systemClock
  const users = new Map<string, UserProfile>()
  const loginsByUser = new Map<string, Login[]>()
  let seq = 0

  function mustGet(id: string): UserProfile {
    const user = users.get(id)
    if (user === undefined) throw new NotFoundError(`User "${id}"`)
    return user
  }

  const driver: UserDriver = {
    async upsert(p) {
      const now = clock.now()
      const old = users.get(p.id)
      const next: UserProfile =
        old === undefined
          ? {
              id: p.id,
              email: p.email ?? null,
              name: p.name ?? null,
              image: p.image ?? null,
              role: p.role ?? 'user',
              plan: p.plan ?? null,
              createdAt: now,
              updatedAt: now,
              lastLoginAt: null,
              loginCount: 0,
            }
          : {
              ...old,
              email: p.email === undefined ? old.email : p.email,
              name: p.name === undefined ? old.name : p.name,
              image: p.image === undefined ? old.image : p.image,
              // A sign-in upserts without a role; only an explicit role changes it.
              role: p.role ?? old.role,
              plan: p.plan === undefined ? old.plan : p.plan,
              updatedAt: now,
            }
      users.set(p.id, next)
      return { ...next }
    },

    async recordLogin(input) {
      const l = { ...input, at: input.at ?? clock.now() }
      const user = mustGet(l.userId)
      seq += 1
      // Zero-padded so that string order equals insertion order, which breaks ties on `at`.
      const login: Login = { id: `lgn_${seq.toString().padStart(12, '0')}`, ...l }
      const list = loginsByUser.get(l.userId) ?? []
      list.push(login)
      loginsByUser.set(l.userId, list)
      // A login reported late (an older `at`) counts but does not move lastLoginAt backwards.
      users.set(user.id, {
        ...user,
        loginCount: user.loginCount + 1,
        lastLoginAt: user.lastLoginAt === null ? l.at : Math.max(user.lastLoginAt, l.at),
      })
      return { ...login }
    },

    async get(id) {
      const user = users.get(id)
      return user === undefined ? null : { ...user }
    },

    async list(q) {
      const after = q.cursor === null ? null : decodeKeysetCursor(q.cursor)
      const search = q.search
      const matching = [...users.values()]
        .filter(
          (u) =>
            search === null ||
            u.id.toLowerCase().includes(search) ||
            (u.email?.toLowerCase().includes(search) ?? false) ||
            (u.name?.toLowerCase().includes(search) ?? false),
        )
        .filter((u) => isAfter(u.createdAt, u.id, after))
        .sort((a, b) => newestFirst({ t: a.createdAt, id: a.id }, { t: b.createdAt, id: b.id }))
      const page = matching.slice(0, q.limit)
      const last = page.at(-1)
      return {
        users: page.map((u) => ({ ...u })),
        nextCursor:
          matching.length > q.limit && last !== undefined
            ? encodeKeysetCursor({ at: last.createdAt, id: last.id })
            : null,
      }
    },

    async logins(id, o) {
      const after = o.cursor === null ? null : decodeKeysetCursor(o.cursor)
      const matching = (loginsByUser.get(id) ?? [])
        .filter((l) => isAfter(l.at, l.id, after))
        .sort((a, b) => newestFirst({ t: a.at, id: a.id }, { t: b.at, id: b.id }))
      const page = matching.slice(0, o.limit)
      const last = page.at(-1)
      return {
        logins: page.map((l) => ({ ...l })),
        nextCursor: matching.length > o.limit && last !== undefined ? encodeKeysetCursor(last) : null,
      }
    },

    async setRole(userId, role) {
      const user = mustGet(userId)
      const next = { ...user, role, updatedAt: clock.now() }
      users.set(userId, next)
      return { ...next }
    },
  }
  return userStoreFrom(driver)
}
