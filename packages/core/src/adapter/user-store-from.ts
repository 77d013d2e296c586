import { attachDriver } from '../driver-of.js'
import {
  normalizeLogin,
  normalizePageOptions,
  normalizeProfile,
  normalizeRole,
  normalizeUserId,
  normalizeUserListQuery,
} from '../users/normalize.js'
import type { UserStore } from '../users/types.js'
import type { UserDriver } from '../users/user-driver.js'

/** The public `UserStore` over a driver: every call validated once before the driver sees it. */
export function userStoreFrom(driver: UserDriver): UserStore {
  const users: UserStore = {
    async upsert(profile) {
      return driver.upsert(normalizeProfile(profile))
    },
    async recordLogin(login) {
      return driver.recordLogin(normalizeLogin(login))
    },
    async get(id) {
      return driver.get(normalizeUserId(id))
    },
    async list(query) {
      return driver.list(normalizeUserListQuery(query))
    },
    async logins(userId, options) {
      return driver.logins(normalizeUserId(userId), normalizePageOptions(options))
    },
    async setRole(id, role) {
      return driver.setRole(normalizeUserId(id), normalizeRole(role))
    },
  }
  return attachDriver(users, driver)
}
