import type { MeteredAuth, MeteredSessionUser } from './types.js'

// biome-ignore lint/suspicious/noExplicitAny: next-auth's own callback types are what flows through here
type AnyFn = (...args: any[]) => any

/** The part of next-auth v4 `AuthOptions` / Auth.js v5 config this touches. */
export interface AuthOptionsLike {
  events?: object | undefined
  callbacks?: object | undefined
}

function pick(obj: object | undefined, key: string): AnyFn | undefined {
  const fn = obj ? (obj as Record<string, unknown>)[key] : undefined
  return typeof fn === 'function' ? (fn as AnyFn) : undefined
}

/** Puts `id`/`role` back when the app's callback rebuilt `session.user` without them. */
function restampSession(result: unknown, stamp: MeteredSessionUser | undefined): unknown {
  if (!stamp || typeof result !== 'object' || result === null) return result
  const user = (result as { user?: unknown }).user
  if (typeof user !== 'object' || user === null) return result
  const u = user as Record<string, unknown>
  if (u.id !== undefined && u.role !== undefined) return result
  return { ...result, user: { id: stamp.id, role: stamp.role, ...u } }
}

function restampToken(result: unknown, stamp: Record<string, unknown>): unknown {
  if (typeof result !== 'object' || result === null) return result
  const r = result as Record<string, unknown>
  const missing: Record<string, unknown> = {}
  for (const key of ['id', 'role'] as const)
    if (r[key] === undefined && stamp[key] !== undefined) missing[key] = stamp[key]
  return Object.keys(missing).length === 0 ? result : { ...r, ...missing }
}

/**
 * Composes `meteredAuth(...)` with an app's existing next-auth v4 `authOptions` (or Auth.js v5
 * config) so it drops in without a rewrite. Returns a new object; the input is not changed.
 * - events: metered's run first (the profile exists before the app's handler runs), then the app's.
 * - `session` / `jwt`: metered's first, then the app's with the enriched session or token; if the
 *   app's callback drops `id`/`role`, they are put back.
 * - every other option and callback (providers, adapter, `signIn`, `redirect`) is kept as is.
 * @example
 * // app/api/auth/[...nextauth]/route.ts
 * const authOptions = mergeAuthOptions(
 *   { adapter: PrismaAdapter(prisma), providers: [GoogleProvider({ ... })], session: { strategy: 'database' } },
 *   meteredAuth({ metered, signupCredits: 100, admins: process.env.METERED_ADMIN_EMAILS }),
 * )
 * const handler = NextAuth(authOptions)
 * export { handler as GET, handler as POST }
 */
export function mergeAuthOptions<O extends object>(app: O, metered: MeteredAuth): O {
  const options = app as AuthOptionsLike
  const events: Record<string, unknown> = { ...(options.events ?? {}) }
  for (const [name, ours] of Object.entries(metered.events) as Array<[string, AnyFn]>) {
    const theirs = pick(options.events, name)
    events[name] = theirs
      ? async (message: unknown) => {
          await ours(message)
          return theirs.call(options.events, message)
        }
      : ours
  }

  const theirSession = pick(options.callbacks, 'session')
  const theirJwt = pick(options.callbacks, 'jwt')
  const callbacks: Record<string, unknown> = { ...(options.callbacks ?? {}) }
  callbacks.session = async (params: Parameters<MeteredAuth['callbacks']['session']>[0]) => {
    const enriched = await metered.callbacks.session(params)
    if (!theirSession) return enriched
    const stamp = enriched.user?.id !== undefined ? enriched.user : undefined
    return restampSession(await theirSession.call(options.callbacks, { ...params, session: enriched }), stamp)
  }
  callbacks.jwt = async (params: Parameters<MeteredAuth['callbacks']['jwt']>[0]) => {
    const enriched = await metered.callbacks.jwt(params)
    if (!theirJwt) return enriched
    return restampToken(await theirJwt.call(options.callbacks, { ...params, token: enriched }), enriched)
  }
  return { ...app, events, callbacks }
}
