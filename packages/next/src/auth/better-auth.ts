import { type Identify, identityFromSession } from '../server/identify.js'
import { meteredAuth } from './metered-auth.js'
import { ipFromHeaders } from './request-info.js'
import type { AuthUserLike, MeteredAuthOptions, SignInRequestInfo } from './types.js'

/**
 * Structural types for Better Auth: only what metered reads, so this package never imports
 * `better-auth` and any 1.x version's objects fit.
 */

/** The session row Better Auth hands to `databaseHooks.session.create.after`. */
export interface BetterAuthSessionRowLike {
  userId: string
  ipAddress?: string | null | undefined
  userAgent?: string | null | undefined
}

/** The endpoint context a database hook receives (null when called outside an endpoint). */
export interface BetterAuthHookContextLike {
  path?: string | undefined
  params?: Record<string, string | undefined> | undefined
  headers?: Headers | undefined
  request?: Request | undefined
  context?: { internalAdapter?: BetterAuthUsersLike | undefined } | undefined
}

/** Better Auth's internal adapter, for the user row a new session belongs to. */
export interface BetterAuthUsersLike {
  /** The user row, or null. */
  findUserById(id: string): Promise<BetterAuthUserRowLike | null>
}

/** A Better Auth user row (its `user` table). */
export interface BetterAuthUserRowLike {
  id: string
  email?: string | null | undefined
  name?: string | null | undefined
  image?: string | null | undefined
}

/** What `auth.api.getSession({ headers })` answers. */
export interface BetterAuthSessionLike {
  user: { id: string; email?: string | null | undefined; role?: unknown; [key: string]: unknown }
}

/** The part of a `betterAuth(...)` instance that identify calls. */
export interface BetterAuthLike {
  api: {
    /** The session of a request's cookies. */
    getSession(input: { headers: Headers }): Promise<BetterAuthSessionLike | null | undefined>
  }
}

/**
 * `meteredBetterAuth` options: those of `meteredAuth`, except that the sign-in request's IP and
 * user agent come from the Better Auth endpoint itself (no `getRequestInfo`).
 */
export type MeteredBetterAuthOptions = Omit<MeteredAuthOptions, 'getRequestInfo'>

/** A Better Auth plugin (structurally): put it in `betterAuth({ plugins: [...] })`. */
export interface MeteredBetterAuthPlugin {
  id: 'metered'
  /** Better Auth calls it at start-up; it returns the session hook that records profiles, logins and the signup bonus. */
  init(ctx: { internalAdapter?: BetterAuthUsersLike | undefined }): {
    options: {
      databaseHooks: {
        session: {
          create: {
            /** Runs after each new session: profile, login record, signup bonus. */
            after(session: BetterAuthSessionRowLike, context: BetterAuthHookContextLike | null): Promise<void>
          }
        }
      }
    }
  }
}

/**
 * The sign-in method, named as next-auth names providers: `/sign-in/email` and `/sign-up/email`
 * are `email`, `/callback/google` is `google`, `/magic-link/verify` is `magic-link`.
 */
export function betterAuthProvider(context: BetterAuthHookContextLike | null): string {
  const path = context?.path ?? ''
  if (path.startsWith('/callback/') || path.startsWith('/oauth2/callback/')) {
    return context?.params?.id ?? path.split('/').pop() ?? 'unknown'
  }
  const match = /^\/sign-(?:in|up)\/([^/]+)$/.exec(path)
  if (match?.[1]) return match[1]
  const first = path.split('/').filter(Boolean)[0]
  return first ?? 'unknown'
}

/**
 * Better Auth glue: a plugin that keeps metered's user store in step with sign-ins, as
 * `meteredAuth` does for next-auth. Every session Better Auth creates (sign-up, sign-in, OAuth
 * callback, magic link) upserts the profile from the user row (id, email, name, image; `admins`
 * emails become admins), records the login with the method, IP and user agent of the request, and
 * grants `signupCredits` once per user (idempotency key `signup:<userId>`). None of it ever fails
 * a sign-in: errors go to `onError`, and a missed grant is retried at the next sign-in.
 * @example
 * // lib/auth.ts
 * import { betterAuth } from 'better-auth'
 * export const auth = betterAuth({
 *   database: pool,
 *   emailAndPassword: { enabled: true },
 *   plugins: [meteredBetterAuth({ users: stores.users, ledger: stores.ledger, signupCredits: 100 })],
 * })
 * // lib/metered.ts: createMeteredNext({ ...stores, identify: betterAuthIdentify(auth) })
 */
export function meteredBetterAuth(options: MeteredBetterAuthOptions): MeteredBetterAuthPlugin {
  // Built once here so a misconfiguration (no user store, a bad bonus) fails at start-up.
  meteredAuth(options)
  const clientIp = options.clientIp ?? ipFromHeaders
  const report = (error: unknown) => {
    try {
      ;(options.onError ?? ((e: unknown) => console.error('[metered] sign-in bookkeeping failed', e)))(error)
    } catch {
      // a failing logger must not fail a sign-in
    }
  }

  return {
    id: 'metered',
    init(authContext) {
      return {
        options: {
          databaseHooks: {
            session: {
              create: {
                async after(session, context) {
                  try {
                    const users = context?.context?.internalAdapter ?? authContext.internalAdapter
                    const row = users ? await users.findUserById(session.userId) : null
                    const user: AuthUserLike = row
                      ? {
                          id: session.userId,
                          email: row.email ?? null,
                          name: row.name ?? null,
                          image: row.image ?? null,
                        }
                      : { id: session.userId }
                    // One meteredAuth per sign-in: its request info is this endpoint's request.
                    const info = requestInfo(session, context, clientIp)
                    await meteredAuth({ ...options, getRequestInfo: () => info }).events.signIn({
                      user,
                      account: { provider: betterAuthProvider(context) },
                    })
                  } catch (error) {
                    report(error)
                  }
                },
              },
            },
          },
        },
      }
    },
  }
}

/** The sign-in request's IP (by the package's client-IP rules) and user agent. */
function requestInfo(
  session: BetterAuthSessionRowLike,
  context: BetterAuthHookContextLike | null,
  clientIp: (headers: Headers) => string | null,
): SignInRequestInfo {
  const headers = context?.request?.headers ?? context?.headers
  if (!headers) return { ip: null, userAgent: session.userAgent ?? null }
  return { ip: clientIp(headers), userAgent: headers.get('user-agent') ?? session.userAgent ?? null }
}

/**
 * Identify from a Better Auth session: `auth.api.getSession({ headers: req.headers })`. The role
 * is taken from the user row when it has one (the admin plugin's `role`) and is only used for
 * limiter rules; admin checks read the user store.
 * @example
 * createMeteredNext({ ...stores, identify: betterAuthIdentify(auth) })
 */
export function betterAuthIdentify(auth: BetterAuthLike): Identify {
  return async (req) => {
    const session = await auth.api.getSession({ headers: req.headers })
    if (!session) return null
    const { id, email, role } = session.user
    return identityFromSession({
      user: { id, email: email ?? null, role: typeof role === 'string' ? role : null },
    })
  }
}
