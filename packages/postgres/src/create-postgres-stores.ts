import type { Authorizer, Clock, Ledger, LimiterStore, UsageStore, UserStore } from '@metered/core'
import { authorizerFrom, ledgerFrom, limiterStoreFrom, usageStoreFrom, userStoreFrom } from '@metered/core/adapter'
import { createPostgresAuthorizerDriver } from './authorizer.js'
import type { Ctx } from './call.js'
import type { AnyKysely } from './db.js'
import { createPostgresLedgerDriver } from './ledger.js'
import { createPostgresLimiterDriver } from './limiter-store.js'
import { DEFAULT_SCHEMA, quoteSchema } from './schema-name.js'
import { createPostgresUsageDriver } from './usage-store.js'
import { createPostgresUserDriver } from './user-store.js'

/** Options of `createPostgresStores`. */
export interface PostgresStoresOptions {
  /**
   * The schema `migrate()` created; every table and function of metered lives there.
   * @default 'metered'
   */
  schema?: string
  /**
   * Where time comes from. By default every decision uses the database's clock, read inside
   * the operation's transaction, so app servers with skewed clocks still agree. Pass a clock
   * (e.g. `createManualClock()` from `@metered/core`) to move time by hand in tests.
   * @default the database clock
   */
  clock?: Clock
}

/** What `createPostgresStores` returns: every store on one database; spread it into `createMetered`. */
export interface PostgresStores {
  ledger: Ledger
  limiterStore: LimiterStore
  usage: UsageStore
  users: UserStore
  /**
   * Limits and credits in one step: pass it to `createMetered({ authorizer })` with a limiter
   * over this `limiterStore`, and every authorize is one round trip.
   */
  authorizer: Authorizer
}

/**
 * The Postgres implementations of metered's ports, on any kysely Postgres dialect (node-postgres
 * `pg` Pool, Neon / `@vercel/postgres` pools, PGlite). Run `migrate(db)` once before use.
 * Nothing global: call it once per database and schema, and share the result.
 *
 * @example
 * ```ts
 * import { Kysely, PostgresDialect } from 'kysely'
 * import pg from 'pg'
 * import { createPostgresStores, migrate } from '@metered/postgres'
 *
 * const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: process.env.DATABASE_URL }) }) })
 * await migrate(db)
 * const { ledger, limiterStore, usage, users } = createPostgresStores(db)
 * await ledger.grant({ account: 'user_1', amount: 1000, source: 'signup', idempotencyKey: 'signup:user_1' })
 * ```
 */
export function createPostgresStores(db: AnyKysely, options: PostgresStoresOptions = {}): PostgresStores {
  const ctx: Ctx = { db, s: quoteSchema(options.schema ?? DEFAULT_SCHEMA), clock: options.clock, calls: new Map() }
  // Each port validates its input once (the `*From` builders); the drivers only run SQL.
  const limiterStore = limiterStoreFrom(createPostgresLimiterDriver(ctx))
  return {
    ledger: ledgerFrom(createPostgresLedgerDriver(ctx)),
    limiterStore,
    usage: usageStoreFrom(createPostgresUsageDriver(ctx)),
    users: userStoreFrom(createPostgresUserDriver(ctx)),
    authorizer: authorizerFrom(createPostgresAuthorizerDriver(ctx), limiterStore),
  }
}
