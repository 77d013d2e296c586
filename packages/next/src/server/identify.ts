import type { UserStore } from '@metered/core'

/** Who is calling, as the app's auth knows it. */
export interface Identity {
  /** The user id; also the metered account unless `account` is set. */
  id: string
  /**
   * The role as the session claims it. Admin checks never trust this when a user store exists:
   * `resolveRole` reads the store instead.
   */
  role?: 'admin' | 'user'
  /** The plan, for allowances and per-plan limit rules. */
  plan?: string | null
  email?: string | null
  /** The account credits are charged to (an org id for pooled credits). @default id */
  account?: string
}

/**
 * Tells who sent a request; null (or undefined) when nobody is signed in. Errors it throws are
 * answered 500 (or 503 for store errors) without leaking them.
 */
export type Identify = (req: Request) => Promise<Identity | null | undefined> | Identity | null | undefined

/** What next-auth v4 and Auth.js v5 sessions look like once `meteredAuth` callbacks ran. */
export interface SessionLike {
  user?: {
    id?: string | null
    email?: string | null
    role?: string | null
    plan?: string | null
    account?: string | null
  } | null
}

/** Turns a session into an Identity; null when it has no user id. */
export function identityFromSession(session: SessionLike | null | undefined): Identity | null {
  const user = session?.user
  if (!user || typeof user.id !== 'string' || user.id === '') return null
  const identity: Identity = { id: user.id }
  if (user.role === 'admin' || user.role === 'user') identity.role = user.role
  if (user.plan !== undefined) identity.plan = user.plan
  if (user.email !== undefined) identity.email = user.email
  if (typeof user.account === 'string' && user.account !== '') identity.account = user.account
  return identity
}

/**
 * next-auth v4: `getServerSession(authOptions)`. In App Router route handlers it reads the
 * cookies through `next/headers`, so the request itself is not needed. The session must carry
 * `user.id` (`meteredAuth`'s session callback puts `id` and `role` there; with database sessions
 * the `session({ session, user })` callback has the user row).
 * @example
 * import { getServerSession } from 'next-auth'
 * createMeteredNext({ ...stores, identify: nextAuthV4(getServerSession, authOptions) })
 */
export function nextAuthV4<O>(
  getServerSession: (options: O) => Promise<SessionLike | null | undefined>,
  authOptions: O,
): Identify {
  return async () => identityFromSession(await getServerSession(authOptions))
}

/**
 * Auth.js v5: the `auth` function exported by `NextAuth(...)`. Called with no arguments it reads
 * the request's cookies through `next/headers`.
 * @example
 * import { auth } from '@/auth'
 * createMeteredNext({ ...stores, identify: authjs(auth) })
 */
export function authjs(auth: () => Promise<SessionLike | null | undefined>): Identify {
  return async () => identityFromSession(await auth())
}

/** Runs the app's identify and normalises its answer (null for anything without an id). */
export async function runIdentify(identify: Identify, req: Request): Promise<Identity | null> {
  const identity = await identify(req)
  if (!identity || typeof identity.id !== 'string' || identity.id === '') return null
  return identity
}

/** The account an identity is charged to. */
export function accountOf(identity: Identity): string {
  return identity.account ?? identity.id
}

/**
 * The role to use for admin checks: from the user store when there is one (a session claim can be
 * stale or forged), else the identity's own claim. Unknown users are `'user'`.
 */
export async function resolveRole(identity: Identity, users: UserStore | null): Promise<'admin' | 'user'> {
  if (!users) return identity.role ?? 'user'
  const profile = await users.get(identity.id)
  return profile?.role ?? 'user'
}
