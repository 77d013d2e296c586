import type { NormalizedLogin, NormalizedPageOptions, NormalizedProfile, NormalizedUserListQuery } from './normalize.js'
import type { Login, LoginPage, Role, UserPage, UserProfile } from './types.js'

/**
 * A user store as `userStoreFrom` drives it: ids, profiles, logins and queries validated. A
 * login's `at` is null when the caller gave none (the store's clock applies); cursors are the
 * caller's strings, decoded by the driver. `recordLogin` and `setRole` throw `NotFoundError`
 * for an unknown user.
 */
export interface UserDriver {
  upsert(profile: NormalizedProfile): Promise<UserProfile>
  recordLogin(login: NormalizedLogin): Promise<Login>
  get(id: string): Promise<UserProfile | null>
  list(query: NormalizedUserListQuery): Promise<UserPage>
  logins(userId: string, options: NormalizedPageOptions): Promise<LoginPage>
  setRole(id: string, role: Role): Promise<UserProfile>
}
