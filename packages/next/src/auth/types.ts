import type { Metered, Role, UserStore } from '@metered/core'

/**
 * Structural types for next-auth v4 and Auth.js v5: only the fields metered reads, so this
 * package never imports either at runtime and both versions' objects fit.
 */

/** The user next-auth hands to events and callbacks: the adapter's row (database) or the provider profile (JWT). */
export interface AuthUserLike {
  id?: string | null
  email?: string | null
  name?: string | null
  image?: string | null
}

/** `events.signIn`'s message (both versions). */
export interface SignInMessageLike {
  user: AuthUserLike
  /** `account.provider`: `'google'`, `'credentials'`, ... */
  account?: { provider?: string | null } | null
  profile?: unknown
  isNewUser?: boolean
}

/** A session as the `session` callback receives and returns it. */
export interface SessionLikeObject {
  // No index signature: next-auth's `Session` interface has none and must fit.
  user?: object | null | undefined
  expires?: unknown
}

/** A JWT payload (`token`). */
export type TokenLike = Record<string, unknown>

/** What `meteredAuth` puts on `session.user`. */
export interface MeteredSessionUser {
  id: string
  /** From the user store (or the `admins` list); informational: server checks read the store. */
  role: Role
}

/** The request details recorded with a login. */
export interface SignInRequestInfo {
  ip?: string | null
  userAgent?: string | null
}

/** The parts of a metered instance `meteredAuth` reads. */
export type MeteredAuthParts = Pick<Metered, 'users' | 'ledger' | 'credits'>

/** A `createMetered` instance, or a `createMeteredNext` one (which holds it as `.metered`). */
export type MeteredAuthSource = MeteredAuthParts | { readonly metered: MeteredAuthParts }

/** Options of `meteredAuth` (next-auth v4, Auth.js v5) and `meteredBetterAuth`. */
export interface MeteredAuthOptions {
  /**
   * The app's metered instance (`createMetered(...)` or `createMeteredNext(...)`): its user store,
   * and the ledger and credit unit the signup bonus is granted with, so the bonus is always in the
   * app's one unit.
   * @example meteredAuth({ metered, signupCredits: 1000 })
   * Default: none; then `users` is required and no signup bonus can be granted.
   */
  metered?: MeteredAuthSource
  /** Where profiles, roles and logins are kept. @default `metered.users` (required without it) */
  users?: UserStore
  /**
   * Credits granted once per user at their first sign-in with metered installed (idempotency key
   * `signup:<userId>`; users who signed up before get it at their next sign-in), in the unit of
   * `metered`, which it needs. Decimals are allowed when they are whole ledger units. Changing it
   * later never grants an existing user again.
   * @default 0 (no grant)
   * @example signupCredits: 100
   */
  signupCredits?: number
  /**
   * Emails that are made admins at sign-in (case-insensitive); an array, or one comma-separated
   * string such as `process.env.METERED_ADMIN_EMAILS`. Others keep the role they have; removing
   * an email here does not demote anyone (use the admin routes). List only emails your providers
   * verify (Google does; a credentials form that takes any email does not).
   * @default []
   * @example admins: process.env.METERED_ADMIN_EMAILS
   */
  admins?: ReadonlyArray<string> | string | null
  /**
   * The IP and user agent of the sign-in request. next-auth's events do not get the request, so
   * by default they are read through `next/headers` `headers()`, which works inside the App
   * Router's auth route handler; elsewhere (pages router, tests) pass this.
   * @default headers() from next/headers when available, else none
   * @example getRequestInfo: () => ({ ip: req.socket.remoteAddress, userAgent: req.headers['user-agent'] })
   */
  getRequestInfo?: () => SignInRequestInfo | null | undefined | Promise<SignInRequestInfo | null | undefined>
  /**
   * Reads the client IP from the sign-in request's headers.
   * @default x-real-ip, then the first x-forwarded-for hop, then cf-connecting-ip
   */
  clientIp?: (headers: Headers) => string | null
  /**
   * Sees errors of the sign-in bookkeeping. They never fail a sign-in: a missed login record is
   * better than a locked-out user, and the signup grant is retried at the next sign-in.
   * @default console.error
   */
  onError?: (error: unknown) => void
}

/** The session callback's parameters, as both versions pass them (database: `user`; JWT: `token`). */
export interface SessionParamsLike<S> {
  session: S
  user?: AuthUserLike | null | undefined
  token?: TokenLike | null | undefined
  trigger?: string | undefined
}

/** The jwt callback's parameters. `user` is only there at sign-in. */
export interface JwtParamsLike<T> {
  token: T
  user?: AuthUserLike | null | undefined
  trigger?: string | undefined
}

/** What `meteredAuth` returns: spread into `authOptions` / `NextAuth({...})`, or use `mergeAuthOptions`. */
export interface MeteredAuth {
  events: {
    /** Upserts the profile, records the login, grants the signup bonus once. Never throws. */
    signIn(message: SignInMessageLike): Promise<void>
  }
  callbacks: {
    /** Puts `id` and `role` on `session.user` (database sessions: from `user`; JWT: from `token`). */
    session<S extends SessionLikeObject>(params: SessionParamsLike<S>): Promise<S & { user: MeteredSessionUser }>
    /** At sign-in, stores `id` and `role` in the token; on `update`, refreshes the role. */
    jwt<T extends TokenLike>(params: JwtParamsLike<T>): Promise<T & Partial<MeteredSessionUser>>
  }
}
