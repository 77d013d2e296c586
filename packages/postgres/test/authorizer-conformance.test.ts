import { PGlite } from '@electric-sql/pglite'
import { authorizerSuite } from '@metered/core/testing'
import { Kysely } from 'kysely'
import { createPostgresStores, migrate, pgliteDialect } from '../src/index.js'
import { pgTestDb, storesFor } from './harness.js'

authorizerSuite('postgres (pg Pool, 20 connections)', async ({ clock }) => {
  const t = await pgTestDb({ max: 20, auditSessions: true })
  const { ledger, limiterStore, authorizer } = storesFor(t, clock)
  return { ledger, limiterStore, authorizer, close: () => t.close() }
})

authorizerSuite(
  'postgres on PGlite (in memory)',
  async ({ clock }) => {
    const db = new Kysely<unknown>({ dialect: pgliteDialect({ pglite: new PGlite() }) })
    await migrate(db)
    const { ledger, limiterStore, authorizer } = createPostgresStores(db, { clock })
    return { ledger, limiterStore, authorizer, close: () => db.destroy() }
  },
  { concurrency: 100 },
)
