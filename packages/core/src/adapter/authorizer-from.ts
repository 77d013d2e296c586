import { attachDriver } from '../driver-of.js'
import type { LimiterStore } from '../limiter/types.js'
import type { AuthorizerDriver } from '../metering/authorizer-driver.js'
import type { Authorizer } from '../metering/authorizer-types.js'
import { normalizeAuthorizeInput } from './normalize-authorize.js'

/**
 * The public `Authorizer` over a driver. `limiterStore` is the port whose state the driver
 * shares: `createMetered` takes the one-step path only when its limiter uses that very object.
 * Input is validated once (as a reserve plus a consume request) before the driver is called.
 */
export function authorizerFrom(driver: AuthorizerDriver, limiterStore: LimiterStore): Authorizer {
  const authorizer: Authorizer = {
    limiterStore,
    async authorize(input) {
      return driver.authorize(normalizeAuthorizeInput(input))
    },
  }
  return attachDriver(authorizer, driver)
}
