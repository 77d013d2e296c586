import { attachDriver } from '../driver-of.js'
import type { LimiterDriver } from '../limiter/limiter-driver.js'
import type { ConsumeRequest, LimiterStore } from '../limiter/types.js'
import { consumeRequestSchema, parse, parseLimiterReset } from '../schemas.js'

/**
 * The public `LimiterStore` over a driver: requests and resets are validated once with the
 * schemas. `createLimiter` plans requests itself and hands them to the driver directly.
 */
export function limiterStoreFrom(driver: LimiterDriver): LimiterStore {
  const store: LimiterStore = {
    async consume(request) {
      return driver.consume(parse(consumeRequestSchema, request, 'consume request') as ConsumeRequest)
    },
    async reset(key, names) {
      const v = parseLimiterReset(key, names)
      return driver.reset(v.key, v.names)
    },
  }
  return attachDriver(store, driver)
}
