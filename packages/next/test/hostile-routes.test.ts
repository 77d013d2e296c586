import { createPostgresStores, migrate } from '@metered/postgres'
import { databaseUrl, uniqueName } from '@metered/tooling'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { afterAll } from 'vitest'
import { hostileRoutesSuite } from './hostile-routes.suite.js'
import { memoryStores } from './routes-setup.js'

// The same hostile table over the memory stores and over Postgres, whose text columns cannot
// hold NUL and whose driver turns a lone surrogate into U+FFFD: both must answer 400 alike.
const pool = new pg.Pool({ connectionString: databaseUrl(), max: 4 })
pool.on('error', () => {})
const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) })
afterAll(async () => {
  await db.destroy()
})

hostileRoutesSuite('memory', memoryStores)
hostileRoutesSuite('postgres', async () => {
  const schema = uniqueName('hr')
  await migrate(db as never, { schema })
  return createPostgresStores(db as never, { schema })
})
