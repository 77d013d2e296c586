import { IdempotencyConflictError, type Role, type UserStore, ValidationError } from '@metered/core'
import { adminEmailMatcher } from './admin-emails.js'
import { createRequestInfoReader, ipFromHeaders } from './request-info.js'
import type { AuthUserLike, MeteredAuth, MeteredAuthOptions, MeteredAuthParts, MeteredAuthSource } from './types.js'

/** The user store's field limits: a longer value from a provider is dropped, never a failed upsert. */
function clip(value: string | null, max: number): string | null {
  if (value === null) return value
  return value.length > max ? null : value
}

/**
 * next-auth v4 / Auth.js v5 events and callbacks that keep metered's user store in step with
 * sign-ins:
 * - `events.signIn`: upserts the profile (id, email, name, image; role `'admin'` when the email is
 *   in `admins`, otherwise the stored role is kept), records the login with provider, IP and
 *   user agent, and grants `signupCredits` once (idempotency key `signup:<userId>`), all without
 *   ever failing the sign-in.
 * - `callbacks.session`: `session.user.id` and `session.user.role`, for database sessions (from the
 *   adapter's `user` and the store) and JWT sessions (from the token). A database session whose
 *   user has no profile (signed in before metered was installed) records the profile and grants
 *   `signupCredits` at that check, once.
 * - `callbacks.jwt`: puts `id` and `role` in the token at sign-in; refreshes the role on `update`.
 *   A token without metered's `id` (minted before metered was installed) records the profile and
 *   grants `signupCredits` at its first check, once, then carries `id` and `role`.
 *
 * The session's role is for display; every admin check on the server reads the store.
 * @example
 * // next-auth v4, with existing authOptions
 * export const authOptions = mergeAuthOptions(baseAuthOptions, meteredAuth({ metered, signupCredits: 100 }))
 * @example
 * // Auth.js v5
 * const m = meteredAuth({ metered, admins: process.env.METERED_ADMIN_EMAILS })
 * export const { auth, handlers } = NextAuth({ providers, ...m })
 */
export function meteredAuth(options: MeteredAuthOptions): MeteredAuth {
  const metered = partsOf(options.metered)
  const users = userStoreOf(options, metered)
  const isAdminEmail = adminEmailMatcher(options.admins)
  const report = (error: unknown) => {
    try {
      ;(options.onError ?? ((e: unknown) => console.error('[metered] sign-in bookkeeping failed', e)))(error)
    } catch {
      // a failing logger must not fail a sign-in
    }
  }
  const readRequestInfo = createRequestInfoReader(options.getRequestInfo, options.clientIp ?? ipFromHeaders)

  const signupCredits = options.signupCredits ?? 0
  const ledger = metered?.ledger ?? null
  let signupUnits = 0
  if (signupCredits !== 0) {
    // A misconfiguration should fail at start-up, not silently at every sign-in.
    if (!metered) {
      throw new ValidationError([{ path: 'metered', message: 'is required when signupCredits > 0' }])
    }
    signupUnits = metered.credits.toUnits(signupCredits, { exact: true, path: 'signupCredits' })
    if (signupUnits === 0) throw new ValidationError([{ path: 'signupCredits', message: 'must be positive' }])
  }

  async function storedRole(id: string): Promise<Role | null> {
    return (await storedUser(id))?.role ?? null
  }

  /** The stored profile, null when there is none, undefined when the store failed (reported). */
  async function storedUser(id: string): Promise<{ role: Role } | null | undefined> {
    try {
      return await users.get(id)
    } catch (error) {
      report(error)
      return undefined
    }
  }

  /** The profile of a sign-in (role `'admin'` for an admin email; otherwise the stored role stays). */
  function profileOf(user: AuthUserLike & { id: string }) {
    return {
      id: user.id,
      ...(user.email !== undefined ? { email: clip(user.email, 320) } : {}),
      ...(user.name !== undefined ? { name: clip(user.name, 200) } : {}),
      ...(user.image !== undefined ? { image: clip(user.image, 2000) } : {}),
      ...(isAdminEmail(user.email) ? { role: 'admin' as const } : {}),
    }
  }

  /**
   * A database session of a user with no profile signed in before metered was installed, and
   * next-auth extends such a session on use, so the next sign-in may never come: the profile and
   * the signup credits are recorded now (both idempotent; no login, none happened).
   */
  async function adopt(user: AuthUserLike & { id: string }): Promise<boolean> {
    try {
      await users.upsert(profileOf(user))
      await grantSignup(user.id)
      return true
    } catch (error) {
      report(error)
      return false
    }
  }

  /** At sign-in, before `events.signIn` has run (next-auth calls `jwt` first): the role it will store. */
  async function roleAtSignIn(user: AuthUserLike & { id: string }): Promise<Role> {
    if (isAdminEmail(user.email)) return 'admin'
    return (await storedRole(user.id)) ?? 'user'
  }

  async function grantSignup(userId: string): Promise<void> {
    if (signupUnits === 0 || !ledger) return
    try {
      await ledger.grant({ account: userId, amount: signupUnits, source: 'signup', idempotencyKey: `signup:${userId}` })
    } catch (error) {
      // The bonus changed since this user got theirs: they got it once, which is the point.
      if (error instanceof IdempotencyConflictError) return
      throw error
    }
  }

  return {
    events: {
      async signIn(message) {
        const user = message.user
        const id = user?.id
        if (typeof id !== 'string' || id === '') {
          report(new Error('signIn event without a user id; profile not recorded'))
          return
        }
        try {
          // First, so the login and the grant refer to an existing profile.
          await users.upsert(profileOf({ ...user, id }))
        } catch (error) {
          report(error)
          return
        }
        const info = await readRequestInfo()
        const results = await Promise.allSettled([
          users.recordLogin({
            userId: id,
            provider: clip(message.account?.provider ?? null, 100) || 'unknown',
            ip: info.ip === null ? null : info.ip.slice(0, 100),
            userAgent: info.userAgent === null ? null : info.userAgent.slice(0, 1000),
          }),
          grantSignup(id),
        ])
        for (const r of results) if (r.status === 'rejected') report(r.reason)
      },
    },
    callbacks: {
      async session(params) {
        const { session, user, token } = params
        let id: string | null = null
        let role: Role = 'user'
        if (user && typeof user.id === 'string' && user.id !== '') {
          // Database sessions: next-auth passes the adapter's user row; the role lives in our store.
          id = user.id
          const stored = await storedUser(id)
          if (stored === null) await adopt({ ...user, id })
          role = stored?.role ?? (isAdminEmail(user.email) ? 'admin' : 'user')
        } else if (token) {
          const tokenId = typeof token.id === 'string' ? token.id : token.sub
          if (typeof tokenId === 'string' && tokenId !== '') id = tokenId
          role = token.role === 'admin' ? 'admin' : 'user'
        }
        if (id === null) return session as typeof session & { user: { id: string; role: Role } }
        return { ...session, user: { ...(session.user ?? {}), id, role } }
      },

      async jwt(params) {
        const { token, user } = params
        if (user && typeof user.id === 'string' && user.id !== '') {
          const withId = user as AuthUserLike & { id: string }
          return { ...token, id: withId.id, role: await roleAtSignIn(withId) }
        }
        const id = typeof token.id === 'string' ? token.id : null
        const sub = typeof token.sub === 'string' && token.sub !== '' ? token.sub : null
        if (id === null && sub !== null) {
          // A token minted before metered was installed: it carries no id of ours, and the user
          // may keep it for weeks without signing in again. Record the profile and the signup
          // credits once, as for a database session, and stamp the token so it is not done again
          // (next-auth writes the token back where it can set a cookie, e.g. /api/auth/session).
          const stored = await storedUser(sub)
          // a store failure (reported): left unstamped, so the next request tries again
          if (stored === undefined) return token as typeof token & Partial<{ id: string; role: Role }>
          if (stored === null && !(await adopt({ id: sub, ...tokenProfile(token) }))) {
            return token as typeof token & Partial<{ id: string; role: Role }>
          }
          const role: Role = stored?.role ?? (isAdminEmail(textOf(token.email)) ? 'admin' : 'user')
          return { ...token, id: sub, role }
        }
        if (params.trigger === 'update' && id) {
          // The client asked for a fresh session (`update()`): pick up a role changed by an admin.
          const role = await storedRole(id)
          if (role) return { ...token, role }
        }
        return token as typeof token & Partial<{ id: string; role: Role }>
      },
    },
  }
}

/** The instance's parts, from a `createMetered` instance or a `createMeteredNext` one. */
function partsOf(source: MeteredAuthSource | undefined): MeteredAuthParts | null {
  if (!source) return null
  // A createMeteredNext instance carries `credits` too, but the stores only on `.metered`.
  return 'metered' in source ? source.metered : source
}

function userStoreOf(options: MeteredAuthOptions, metered: MeteredAuthParts | null): UserStore {
  const users = options.users ?? metered?.users ?? null
  if (!users) {
    throw new ValidationError([{ path: 'users', message: 'give a user store, or a metered instance with one' }])
  }
  return users
}

function textOf(value: unknown): string | null {
  return typeof value === 'string' ? value : null
}

/** The profile fields a next-auth token carries (`picture` is the user's image). */
function tokenProfile(token: Record<string, unknown>): Omit<AuthUserLike, 'id'> {
  return { name: textOf(token.name), email: textOf(token.email), image: textOf(token.picture) }
}
