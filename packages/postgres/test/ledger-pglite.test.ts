import { PGlite } from '@electric-sql/pglite'
import { ledgerSuite } from '@metered/core/testing'
import { Kysely, PGliteDialect } from 'kysely'
import { createPostgresStores, migrate, pgliteDialect } from '../src/index.js'
import { rawReaders } from './harness.js'

// PGlite: PostgreSQL 18 in WASM, in memory, one connection. kysely serialises queries on it, so
// the concurrency checks exercise queueing rather than locks, but every SQL path runs.
ledgerSuite('postgres on PGlite (in memory)', async ({ clock }) => {
  const db = new Kysely<unknown>({ dialect: new PGliteDialect({ pglite: new PGlite() }) })
  await migrate(db)
  const { ledger } = createPostgresStores(db, { clock })
  return { ledger, raw: rawReaders(db, 'metered'), close: () => db.destroy() }
})

// The dialect this package ships for kysely 0.28 (no PGliteDialect there), on the same suite.
ledgerSuite('postgres on PGlite through pgliteDialect', async ({ clock }) => {
  const db = new Kysely<unknown>({ dialect: pgliteDialect({ pglite: new PGlite() }) })
  await migrate(db)
  const { ledger } = createPostgresStores(db, { clock })
  return { ledger, raw: rawReaders(db, 'metered'), close: () => db.destroy() }
})
