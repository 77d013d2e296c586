import { usageSuite, usersSuite } from '@metered/core/testing'
import { pgTestDb, storesFor } from './harness.js'

usageSuite('postgres (pg Pool, 20 connections)', async ({ clock }) => {
  const t = await pgTestDb({ max: 20, auditSessions: true })
  return { usage: storesFor(t, clock).usage, close: () => t.close() }
})

usersSuite('postgres (pg Pool, 20 connections)', async ({ clock }) => {
  const t = await pgTestDb({ max: 20, auditSessions: true })
  return { users: storesFor(t, clock).users, close: () => t.close() }
})
