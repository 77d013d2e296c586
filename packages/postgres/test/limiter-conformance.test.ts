import { limiterStoreSuite } from '@metered/core/testing'
import { pgTestDb, storesFor } from './harness.js'

limiterStoreSuite('postgres (pg Pool, 20 connections)', async ({ clock }) => {
  const t = await pgTestDb({ max: 20, auditSessions: true })
  return { store: storesFor(t, clock).limiterStore, close: () => t.close() }
})
