import { createPostgresStores, migrate } from '@metered/postgres'
import { type FreshPostgres, freshPostgres } from '@metered/tooling/postgres-fresh'
import type { LedgerUnderTest } from './ledgers.js'

/**
 * The Postgres ledger on the test server from the root global setup: one pool (20 connections,
 * so concurrent deliveries really run in parallel) and one fresh, migrated database per test file.
 * Tests use random account ids, so they share the schema without seeing each other.
 */
export function postgresLedger(): LedgerUnderTest {
  let postgres: Promise<FreshPostgres> | null = null
  let ready: Promise<ReturnType<typeof createPostgresStores>['ledger']> | null = null
  return {
    name: 'postgres',
    fresh() {
      ready ??= (async () => {
        postgres = freshPostgres({ prefix: 'stripe', migrate })
        const { db, schema } = await postgres
        return createPostgresStores(db, { schema }).ledger
      })()
      return ready
    },
    async close() {
      await (await postgres)?.close()
    },
  }
}
