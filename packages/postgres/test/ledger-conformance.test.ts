import { ledgerSuite } from '@metered/core/testing'
import { pgTestDb, rawReaders, storesFor } from './harness.js'

// A pg Pool of 20 connections, so the suite's concurrency checks really run in parallel.
ledgerSuite('postgres (pg Pool, 20 connections)', async ({ clock }) => {
  const t = await pgTestDb({ max: 20, auditSessions: true })
  return { ledger: storesFor(t, clock).ledger, raw: rawReaders(t.db, t.schema), close: () => t.close() }
})
