import type { NormalizedLogin, NormalizedPageOptions, NormalizedProfile, NormalizedUserListQuery } from './normalize.js'
import type { Login, LoginPage, Role, UserPage, UserProfile } from './types.js'

/**
 * A user store as `userStoreFrom` drives it: ids, profiles, logins and queries validated. A
 * login's `at` is null when the caller gave none (the store's clock applies); cursors are the
 * caller's strings, decoded by the driver. `recordLogin` and `setRole` throw `NotFoundError`
 * for an unknown user.
 */
export interface UserDriver {
  /** `UserStore.upsert` on a validated profile. */
  upsert(profile: NormalizedProfile): Promise<UserProfile>
  /** `UserStore.recordLogin` on a validated login. */
  recordLogin(login: NormalizedLogin): Promise<Login>
  /** `UserStore.get`. */
  get(id: string): Promise<UserProfile | null>
  /** `UserStore.list` on a validated query. */
  list(query: NormalizedUserListQuery): Promise<UserPage>
  /** `UserStore.logins` with the paging options defaulted. */
  logins(userId: string, options: NormalizedPageOptions): Promise<LoginPage>
  /** `UserStore.setRole`; throws `NotFoundError` for an unknown user. */
  setRole(id: string, role: Role): Promise<UserProfile>
}
