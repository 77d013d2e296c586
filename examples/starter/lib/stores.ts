import 'server-only'
import { createLimiter, fixedWindow, slidingWindow, tokenBucket } from '@metered/core'
import { createPostgresStores } from '@metered/postgres'
import { createRedisStores, fromUpstash } from '@metered/redis'
import { Redis } from '@upstash/redis'
import { database } from './db'
import { upstashConfigured } from './env'

// Money (ledger), usage and users live in Postgres (or the embedded PGlite). Limits too, unless
// Upstash is configured: "KV for limits, Postgres for money".
const postgres = createPostgresStores(database())

export const { ledger, usage, users } = postgres

const limiterStore = upstashConfigured
  ? createRedisStores(
      fromUpstash(
        new Redis({ url: process.env.UPSTASH_REDIS_REST_URL ?? '', token: process.env.UPSTASH_REDIS_REST_TOKEN ?? '' }),
      ),
      { prefix: process.env.METERED_REDIS_PREFIX || 'starter:' },
    ).limiterStore
  : postgres.limiterStore

/** Per user, checked and consumed atomically with every metered call (a refused call consumes nothing). */
export const limiter = createLimiter({
  store: limiterStore,
  rules: {
    burst: tokenBucket({ capacity: 10, refillEvery: '1 s' }),
    minute: slidingWindow({ limit: 60, window: '1 m' }),
    day: fixedWindow({ limit: 1000, window: '1 d' }),
  },
  // A store that does not answer refuses the call (503) rather than letting it through unmetered.
  onStoreError: 'deny',
  timeout: '3 s',
})
