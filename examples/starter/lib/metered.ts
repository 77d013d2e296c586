import 'server-only'
import { createMeteredNext, nextAuthV4 } from '@metered/next'
import { getServerSession } from 'next-auth'
import { authConfigured, authOptions } from './auth'
import { metering } from './metering'

/**
 * The app's one metered instance for routes: the metering (stores, limiter, prices, credit unit)
 * and who is calling (next-auth v4's session; `meteredAuth` put `id` and `role` on it).
 */
export const metered = createMeteredNext({
  metered: metering,
  // Without a session secret (production misconfiguration) everyone is signed out: 401, not 500.
  identify: authConfigured ? nextAuthV4(getServerSession, authOptions) : () => null,
  buyUrl: '/buy-credits',
})

export interface SessionUser {
  id: string
  email: string | null
  name: string | null
  /** From the user store, never from the session alone. */
  role: 'admin' | 'user'
}

/** The signed-in user for server components and routes, or null. */
export async function currentUser(): Promise<SessionUser | null> {
  if (!authConfigured) return null
  const session = await getServerSession(authOptions)
  const user = session?.user as { id?: string; email?: string | null; name?: string | null } | undefined
  if (!user?.id) return null
  const role = await metered.role({ id: user.id })
  return { id: user.id, email: user.email ?? null, name: user.name ?? null, role }
}
