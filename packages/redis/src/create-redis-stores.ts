import type { Authorizer, Clock, Ledger, LimiterStore } from '@metered/core'
import { authorizerFrom, ledgerFrom, limiterStoreFrom } from '@metered/core/adapter'
import { createRedisAuthorizerDriver } from './authorizer.js'
import type { RedisScriptClient } from './client.js'
import { checkPrefix, DEFAULT_PREFIX } from './keys.js'
import { createRedisLedgerDriver } from './ledger.js'
import { createRedisLimiterDriver } from './limiter-store.js'
import { retryDuringSlotMove } from './slot-retry.js'

/** Options of `createRedisStores`. */
export interface RedisStoresOptions {
  /**
   * Prepended to every key, so several apps or environments can share one Redis. Must not
   * contain `{` or `}` (hash tags come after it).
   * @default 'metered:'
   */
  prefix?: string
  /**
   * Where time comes from. By default every decision uses the Redis server's `TIME`, one clock
   * for all app servers; pass a clock only in tests (e.g. core's `createManualClock()`).
   * @default the Redis server's clock
   */
  clock?: Clock
  /**
   * Ledger entries kept per account. Older entries are trimmed from `history`; their sum is
   * kept, so balances and `verify` are unaffected.
   * @default 10000
   */
  historyLimit?: number
  /**
   * Closed (settled, released, expired) holds remembered per account, newest first. Settling or
   * releasing an older one answers `hold_not_found`.
   * @default 10000
   */
  closedHoldsLimit?: number
  /**
   * On Redis Cluster, how long a call keeps being sent again while Redis refuses it with
   * `TRYAGAIN` because a slot of its keys is being moved (a reshard). Such a refusal comes before
   * the script runs, so the retry cannot apply a call twice. Counted from the first refusal;
   * then the call fails with a `StoreUnavailableError`. 0 turns the retry off. See docs/redis.md, "Moving slots".
   * @default 5000
   */
  tryAgainTimeoutMs?: number
}

/** What `createRedisStores` returns: the limiter store, the ledger and the one-step authorizer on one Redis. */
export interface RedisStores {
  /** Rate limiter store for core's `createLimiter`. */
  limiterStore: LimiterStore
  /** Credits ledger. */
  ledger: Ledger
  /**
   * One-step authorize for core's `createMetered`: rules + balance check + hold in one script.
   * Used when the limiter's store is this `limiterStore` (spread the stores into `createMetered`).
   */
  authorizer: Authorizer
}

function positive(value: number | undefined, fallback: number, field: string): number {
  const v = value ?? fallback
  if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`${field} must be a positive integer`)
  return v
}

/**
 * The Redis stores: a limiter store, a credits ledger and the one-step authorizer that joins
 * them, each call one EVALSHA.
 * @example
 * import { Redis } from '@upstash/redis'
 * import { createLimiter, slidingWindow } from '@metered/core'
 * import { createRedisStores, fromUpstash } from '@metered/redis'
 *
 * const { limiterStore, ledger } = createRedisStores(fromUpstash(Redis.fromEnv()))
 * const limiter = createLimiter({ store: limiterStore, rules: { minute: slidingWindow({ limit: 60, window: '1 m' }) } })
 */
export function createRedisStores(redis: RedisScriptClient, options: RedisStoresOptions = {}): RedisStores {
  const prefix = checkPrefix(options.prefix ?? DEFAULT_PREFIX)
  const client = retryDuringSlotMove(redis, options.tryAgainTimeoutMs)
  const ledgerOptions = {
    prefix,
    clock: options.clock,
    historyLimit: positive(options.historyLimit, 10_000, 'historyLimit'),
    closedHoldsLimit: positive(options.closedHoldsLimit, 10_000, 'closedHoldsLimit'),
  }
  // Each port validates its input once (the `*From` builders); the drivers only run Lua.
  const limiterStore = limiterStoreFrom(createRedisLimiterDriver(client, { prefix, clock: options.clock }))
  return {
    limiterStore,
    ledger: ledgerFrom(createRedisLedgerDriver(client, ledgerOptions)),
    authorizer: authorizerFrom(createRedisAuthorizerDriver(client, ledgerOptions), limiterStore),
  }
}

/**
 * Only the limiter store, for code that limits and never touches credits: an edge `proxy.ts`
 * (docs/routes-and-auth.md) then bundles the limiter script alone, not the ledger's. Keys and
 * state are the same as `createRedisStores(client, options).limiterStore`.
 * @example
 * const store = createRedisLimiterStore(fromUpstash(Redis.fromEnv()))
 */
export function createRedisLimiterStore(
  redis: RedisScriptClient,
  options: Pick<RedisStoresOptions, 'prefix' | 'clock' | 'tryAgainTimeoutMs'> = {},
): LimiterStore {
  const client = retryDuringSlotMove(redis, options.tryAgainTimeoutMs)
  return limiterStoreFrom(
    createRedisLimiterDriver(client, { prefix: checkPrefix(options.prefix ?? DEFAULT_PREFIX), clock: options.clock }),
  )
}
