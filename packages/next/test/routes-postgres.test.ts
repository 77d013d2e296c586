import { createPostgresStores, migrate } from '@metered/postgres'
import { databaseUrl, uniqueName } from '@metered/tooling'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { afterAll, describe } from 'vitest'
import { adminRoutesSuite } from './routes-admin.suite.js'
import { creditRoutesSuite } from './routes-credits.suite.js'
import { profileRoutesSuite } from './routes-profile.suite.js'
import type { MakeStores } from './routes-setup.js'

// The same route tests over the Postgres stores (the server the root vitest globalSetup started,
// or DATABASE_URL): one pool for the file, a fresh migrated schema for every test's setup.
const pool = new pg.Pool({ connectionString: databaseUrl(), max: 10 })
pool.on('error', () => {})
const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) })

afterAll(async () => {
  await db.destroy()
})

const postgresStores: MakeStores = async () => {
  const schema = uniqueName('nr')
  await migrate(db as never, { schema })
  return createPostgresStores(db as never, { schema })
}

describe('over Postgres', () => {
  creditRoutesSuite(postgresStores)
  profileRoutesSuite(postgresStores)
  adminRoutesSuite(postgresStores)
})
