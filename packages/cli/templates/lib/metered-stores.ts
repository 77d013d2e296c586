// @metered-generated: written by `metered init`. It is yours: once you edit it, init never touches it again.
// #if db=pglite
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
// #endif
// #if db=memory
import {
  createLimiter,
  createMemoryStores,
  createMetered,
  fixedWindow,
  perToken,
  slidingWindow,
  tokenBucket,
} from '@metered/core'
// #endif
// #if db=postgres,pglite
import { createLimiter, createMetered, fixedWindow, perToken, slidingWindow, tokenBucket } from '@metered/core'
// #endif
// #if db=postgres
import { createPostgresStores, migrate } from '@metered/postgres'
// #endif
// #if db=pglite
import { createPostgresStores, migrate, pgliteDialect } from '@metered/postgres'
// #endif
// #if redis=upstash
import { createRedisStores, fromUpstash } from '@metered/redis'
import { Redis } from '@upstash/redis'
// #endif
// #if db=postgres
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
// #endif
// #if db=pglite
import { Kysely, sql } from 'kysely'
// #endif

/** The ledger counts milli-credits: 1 credit = 1000 units, so a 0.39-credit call costs exactly that. */
export const UNITS_PER_CREDIT = 1000

// #if db=postgres
// metered keeps its tables in the `metered` schema of your DATABASE_URL, beside yours.
type Db = Kysely<unknown> // the app never queries metered's tables itself

function openDatabase(): Db {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 })
  // A connection the server drops (restart, failover) is an 'error' event: without a listener
  // Node.js ends the process. The pool replaces the connection; a query in flight still fails.
  pool.on('error', (error) => console.error('[metered] postgres connection lost:', error.message))
  // Migrations run once per process, before the first query of the app goes out.
  const ready = async () => {
    await migrate(new Kysely({ dialect: new PostgresDialect({ pool }) }))
    return pool
  }
  return new Kysely({ dialect: new PostgresDialect({ pool: ready }) })
}
// #endif
// #if db=pglite
// An embedded Postgres (PGlite) in .data/pglite: no server to run. Set DATABASE_URL and re-run
// `metered init --db postgres` for a real one (Neon, Vercel Postgres, RDS...).
type Db = Kysely<unknown> // the app never queries metered's tables itself

function openDatabase(): Db {
  // A run-time directory, not a source path: kept out of the deployment's file tracing.
  const dir = path.resolve(
    /*turbopackIgnore: true*/ process.env.PGLITE_DIR || path.join(process.cwd(), '.data', 'pglite'),
  )
  // Opened at the first query (never at build time), then migrated once per process.
  const ready = async () => {
    mkdirSync(dir, { recursive: true })
    const instance = new PGlite(dir)
    await instance.waitReady
    await migrate(new Kysely({ dialect: pgliteDialect({ pglite: instance }) }))
    return instance
  }
  // pgliteDialect (not kysely's PGliteDialect): it runs on kysely 0.28 too, so on Node.js 20
  return new Kysely({ dialect: pgliteDialect({ pglite: ready }) })
}
// #endif

// #if db=memory
// In-memory stores: every balance is lost when the server restarts. For trying metered out only:
// re-run `metered init --db pglite` (embedded) or `--db postgres` (DATABASE_URL) before going live.
function openStores() {
  return createMemoryStores()
}
// #endif
// #if db=postgres,pglite
function openStores() {
  const db = openDatabase()
  return { db, ...createPostgresStores(db) }
}
// #endif

// One set of stores per process: Next.js may evaluate this module once per route bundle.
const cache = globalThis as typeof globalThis & { __meteredStores?: ReturnType<typeof openStores> }
cache.__meteredStores ??= openStores()
const stores = cache.__meteredStores

export const { ledger, usage, users } = stores

// #if redis=upstash
// Limits live in Upstash Redis (UPSTASH_REDIS_REST_URL / _TOKEN), money stays in the database.
const limiterStore = createRedisStores(fromUpstash(Redis.fromEnv()), { prefix: 'metered:' }).limiterStore
// #endif
// #if redis=none
const limiterStore = stores.limiterStore
// #endif

/** Per user, checked and consumed with every metered call; a refused call consumes nothing. */
export const limiter = createLimiter({
  store: limiterStore,
  rules: {
    burst: tokenBucket({ capacity: 10, refillEvery: '1 s' }),
    minute: slidingWindow({ limit: 60, window: '1 m' }),
    day: fixedWindow({ limit: 1000, window: '1 d' }),
  },
  // A store that does not answer refuses the call (503) instead of letting it through unmetered.
  onStoreError: 'deny',
})

// Pricing defaults, change them freely:
/** What one credit is worth: 1 credit = $0.001, so $1 buys 1,000 credits. */
const CREDIT_VALUE_USD = 0.001
/** Usage is charged at the provider's list price x 1.3. */
const MARKUP = 1.3
/** Granted once to every new user at their first sign-in. */
export const SIGNUP_CREDITS = 1000

/** One pricer per metered feature (`withCredits({ feature: 'generate', ... })`). */
const pricing = {
  // Tokens at list prices from @metered/core's dated price catalog (OpenAI, Anthropic, Google,
  // xAI, Mistral, DeepSeek; add or override a model with perToken({ models })) x MARKUP.
  generate: perToken({ markup: MARKUP, creditValue: CREDIT_VALUE_USD }),
}

/**
 * The app's metering, configured once: stores, limits, prices and the credit unit. The Next
 * instance (lib/metered.ts), the sign-in glue and Stripe all take it, so every amount is counted
 * in this one unit.
 */
export const metering = createMetered({ ledger, limiter, usage, users, pricing, unitsPerCredit: UNITS_PER_CREDIT })

// #if db=postgres,pglite

/** Connects (and migrates) now: called by instrumentation.ts when the server starts. */
export async function warmUp(): Promise<void> {
  await sql`SELECT 1`.execute(stores.db)
}
// #endif
