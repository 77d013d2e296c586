import type { UserStore } from '@metered/core'
import { accountOf, type Identity } from '../server/identify.js'
import type { Problems } from '../server/problem.js'

/**
 * Whether the user is an admin, read from the user store on every call: a session's role claim
 * can be stale (demoted since sign-in) or forged, so it is never consulted. Without a user store
 * nobody is an admin.
 */
export async function isAdminUser(users: UserStore | null, userId: string): Promise<boolean> {
  if (!users) return false
  const profile = await users.get(userId)
  return profile?.role === 'admin'
}

/**
 * The account a read is about: the caller's own unless `requested` names another one, which only
 * an admin may read (IDOR guard). The caller's own user id also counts as theirs when their
 * identity charges an org account.
 * @returns the account, or a 403 response
 */
export async function targetAccount(
  identity: Identity,
  requested: string | undefined,
  isAdmin: () => Promise<boolean>,
  problems: Problems,
): Promise<{ ok: true; account: string; own: boolean } | { ok: false; response: Response }> {
  const own = accountOf(identity)
  if (requested === undefined || requested === own || requested === identity.id) {
    return { ok: true, account: requested ?? own, own: true }
  }
  if (await isAdmin()) return { ok: true, account: requested, own: false }
  return { ok: false, response: problems.forbidden('You can only read your own account.') }
}
