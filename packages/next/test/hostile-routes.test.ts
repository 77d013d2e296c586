import { createPostgresStores, migrate } from '@metered/postgres'
import { freshPostgres } from '@metered/tooling/postgres-fresh'
import { afterAll } from 'vitest'
import { hostileRoutesSuite } from './hostile-routes.suite.js'
import { memoryStores } from './routes-setup.js'

// The same hostile table over the memory stores and over Postgres, whose text columns cannot
// hold NUL and whose driver turns a lone surrogate into U+FFFD: both must answer 400 alike.
const postgres = await freshPostgres({ prefix: 'hr', migrate, pool: { max: 4 } })
afterAll(() => postgres.close())

hostileRoutesSuite('memory', memoryStores)
hostileRoutesSuite('postgres', async () => {
  return createPostgresStores(postgres.db as never, { schema: await postgres.freshSchema() })
})
