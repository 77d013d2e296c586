import { attachDriver } from '../driver-of.js'
import { normalizeUsageEvent, normalizeUsageListQuery, normalizeUsageStatsQuery } from '../usage/normalize.js'
import type { UsageStore } from '../usage/types.js'
import type { UsageDriver } from '../usage/usage-driver.js'

/** The public `UsageStore` over a driver: every call validated once before the driver sees it. */
export function usageStoreFrom(driver: UsageDriver): UsageStore {
  const usage: UsageStore = {
    async record(event) {
      return driver.record(normalizeUsageEvent(event))
    },
    async stats(account, query) {
      return driver.stats(normalizeUsageStatsQuery(account, query))
    },
    async list(query) {
      return driver.list(normalizeUsageListQuery(query))
    },
  }
  return attachDriver(usage, driver)
}
