import { createPostgresStores, migrate } from '@metered/postgres'
import { databaseUrl, uniqueName } from '@metered/tooling'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { LedgerUnderTest } from './ledgers.js'

/**
 * The Postgres ledger on the test server from the root global setup: one pool (20 connections,
 * so concurrent deliveries really run in parallel) and one freshly migrated schema per test file.
 * Tests use random account ids, so they share the schema without seeing each other.
 */
export function postgresLedger(): LedgerUnderTest {
  let db: Kysely<unknown> | null = null
  let ready: Promise<ReturnType<typeof createPostgresStores>['ledger']> | null = null
  return {
    name: 'postgres',
    fresh() {
      ready ??= (async () => {
        const pool = new pg.Pool({ connectionString: databaseUrl(), max: 20 })
        // A connection the server closes must not end the test process (see docs/postgres.md).
        pool.on('error', () => {})
        db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) })
        const schema = uniqueName('stripe')
        await migrate(db, { schema })
        return createPostgresStores(db, { schema }).ledger
      })()
      return ready
    },
    async close() {
      await db?.destroy()
    },
  }
}
