import type { Login, UserProfile, UserStore } from '../src/users/types.js'

/**
 * User stores with one deliberate bug each, built by wrapping the memory store. The broken
 * suite test shows the conformance checks catch every one of them.
 */

/** Sign-in writes `role: 'user'` whenever the profile carries no role: admins get demoted. */
export function upsertDowngradingRole(inner: UserStore): UserStore {
  return { ...inner, upsert: (p) => inner.upsert({ role: 'user', ...p }) }
}

/** Treats null like "not given" (a COALESCE too many), so fields can never be cleared. */
export function upsertIgnoringNulls(inner: UserStore): UserStore {
  return {
    ...inner,
    upsert(p) {
      const kept = Object.fromEntries(Object.entries(p).filter(([, v]) => v !== null))
      return inner.upsert(kept as typeof p)
    },
  }
}

/** Counts logins by read, await, write, so concurrent logins overwrite each other's count. */
export function racyLoginCount(inner: UserStore): UserStore {
  const counts = new Map<string, number>()
  const withCount = (u: UserProfile | null) => (u === null ? null : { ...u, loginCount: counts.get(u.id) ?? 0 })
  return {
    ...inner,
    async recordLogin(l) {
      const login = await inner.recordLogin(l)
      const before = counts.get(l.userId) ?? 0
      await new Promise((resolve) => setTimeout(resolve, 0))
      counts.set(l.userId, before + 1)
      return login
    },
    get: async (id) => withCount(await inner.get(id)),
  }
}

/** Creates the user on the fly when a login names an unknown one. */
export function loginCreatingUnknownUsers(inner: UserStore): UserStore {
  return {
    ...inner,
    async recordLogin(l) {
      if ((await inner.get(l.userId)) === null) await inner.upsert({ id: l.userId })
      return inner.recordLogin(l)
    },
  }
}

/** Returns the newest login of whoever logged in last along with the user's own (a missing WHERE). */
export function loginsLeakingOtherUsers(inner: UserStore): UserStore {
  let latest: Login | undefined
  return {
    ...inner,
    async recordLogin(l) {
      const login = await inner.recordLogin(l)
      latest = login
      return login
    },
    async logins(userId, options) {
      const page = await inner.logins(userId, options)
      const leak = latest !== undefined && latest.userId !== userId && options?.cursor == null ? [latest] : []
      return { ...page, logins: [...leak, ...page.logins] }
    },
  }
}

/** Starts each next page of logins with the previous page's last login. */
export function loginsRepeatingAcrossPages(inner: UserStore): UserStore {
  const lastOfPage = new Map<string, Login>()
  return {
    ...inner,
    async logins(userId, options) {
      const page = await inner.logins(userId, options)
      const repeated = options?.cursor == null ? undefined : lastOfPage.get(options.cursor)
      const last = page.logins.at(-1)
      if (page.nextCursor !== null && last !== undefined) lastOfPage.set(page.nextCursor, last)
      return { ...page, logins: repeated === undefined ? page.logins : [repeated, ...page.logins] }
    },
  }
}

/** Searches case-sensitively (LIKE where ILIKE belonged). */
export function caseSensitiveSearch(inner: UserStore): UserStore {
  return {
    ...inner,
    async list(q) {
      const page = await inner.list(q)
      const s = q?.search
      if (!s) return page
      const hit = (v: string | null) => v?.includes(s) ?? false
      return { ...page, users: page.users.filter((u) => hit(u.id) || hit(u.email) || hit(u.name)) }
    },
  }
}

/** Passes the search to LIKE unescaped, so `_` and `%` act as wildcards. */
export function searchWithLikeWildcards(inner: UserStore): UserStore {
  return {
    ...inner,
    async list(q) {
      const s = q?.search
      if (!s) return inner.list(q)
      const pattern = new RegExp(
        s
          .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
          .replaceAll('_', '.')
          .replaceAll('%', '.*'),
        'i',
      )
      const everyone: UserProfile[] = []
      let cursor: string | null = null
      do {
        const page: Awaited<ReturnType<UserStore['list']>> = await inner.list({ cursor, limit: 200 })
        everyone.push(...page.users)
        cursor = page.nextCursor
      } while (cursor !== null)
      const hit = (v: string | null) => v !== null && pattern.test(v)
      return { users: everyone.filter((u) => hit(u.id) || hit(u.email) || hit(u.name)), nextCursor: null }
    },
  }
}

/** Every broken user store above, by name. */
export const brokenUserStores = {
  upsertDowngradingRole,
  upsertIgnoringNulls,
  racyLoginCount,
  loginCreatingUnknownUsers,
  loginsLeakingOtherUsers,
  loginsRepeatingAcrossPages,
  caseSensitiveSearch,
  searchWithLikeWildcards,
}
