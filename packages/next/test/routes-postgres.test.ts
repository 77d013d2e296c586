import { createPostgresStores, migrate } from '@metered/postgres'
import { freshPostgres } from '@metered/tooling/postgres-fresh'
import { afterAll, describe, expect, it } from 'vitest'
import { adminRoutesSuite } from './routes-admin.suite.js'
import { creditRoutesSuite } from './routes-credits.suite.js'
import { profileRoutesSuite } from './routes-profile.suite.js'
import type { MakeStores } from './routes-setup.js'

// The same route tests over the Postgres stores (the server the root vitest globalSetup started,
// or DATABASE_URL): one pool for the file, a fresh migrated schema for every test's setup.
const postgres = await freshPostgres({ prefix: 'nr', migrate, pool: { max: 10 } })
afterAll(() => postgres.close())

const postgresStores: MakeStores = async () => {
  return createPostgresStores(postgres.db as never, { schema: await postgres.freshSchema() })
}

describe('over Postgres', () => {
  creditRoutesSuite(postgresStores)
  profileRoutesSuite(postgresStores)
  adminRoutesSuite(postgresStores)
})

// Regression: user and login cursors carry epoch ms; the store now keeps those times at ms
// precision (it used to keep microseconds, and a row created later within the same millisecond as
// a page's last row was skipped: 5 users paged as 2 + 2).
it('Postgres users.list pages users created within one millisecond without losing any', async () => {
  for (let round = 0; round < 10; round++) {
    const s = await postgresStores()
    for (let i = 0; i < 5; i++) await s.users.upsert({ id: `u${i}` })
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page = await s.users.list({ limit: 2, cursor })
      seen.push(...page.users.map((u) => u.id))
      cursor = page.nextCursor
    } while (cursor)
    expect(seen.sort()).toEqual(['u0', 'u1', 'u2', 'u3', 'u4'])
  }
})
