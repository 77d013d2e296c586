import type { Clock } from '../clock.js'
import type { Authorizer } from '../metering/authorizer-types.js'
import type { UsageStore } from '../usage/types.js'
import type { UserStore } from '../users/types.js'
import { createMemoryAuthorizer } from './memory-authorizer.js'
import { createMemoryLedger, type MemoryLedger } from './memory-ledger.js'
import { createMemoryLimiterStore, type MemoryLimiterStore } from './memory-limiter-store.js'
import { createMemoryUsageStore } from './memory-usage.js'
import { createMemoryUserStore } from './memory-users.js'

/** Options of `createMemoryStores`. */
export interface MemoryStoresOptions {
  /** One clock for every store, so a test moving it moves them all. @default systemClock */
  clock?: Clock
}

/** Every port metered needs, in process memory: the same shape the Postgres and Redis factories return. */
export interface MemoryStores {
  ledger: MemoryLedger
  limiterStore: MemoryLimiterStore
  usage: UsageStore
  users: UserStore
  /** Limits and credits in one synchronous step (used by `createMetered` when its limiter uses `limiterStore`). */
  authorizer: Authorizer
}

/**
 * Creates the in-memory ledger, limiter store, usage store and user store. For tests, demos and
 * single-process development: state lives in this process only and is lost on restart.
 * @example
 * const { ledger, limiterStore, usage, users } = createMemoryStores({ clock: createManualClock() })
 */
export function createMemoryStores(options: MemoryStoresOptions = {}): MemoryStores {
  // exactOptionalPropertyTypes: pass `clock` only when given, never as an explicit undefined.
  const storeOptions = options.clock === undefined ? {} : { clock: options.clock }
  const ledger = createMemoryLedger(storeOptions)
  const limiterStore = createMemoryLimiterStore(storeOptions)
  return {
    ledger,
    limiterStore,
    usage: createMemoryUsageStore(storeOptions),
    users: createMemoryUserStore(storeOptions),
    authorizer: createMemoryAuthorizer(ledger, limiterStore),
  }
}
