import { PGlite } from '@electric-sql/pglite'
import { limiterStoreSuite, usageSuite, usersSuite } from '@metered/core/testing'
import { Kysely } from 'kysely'
import { createPostgresStores, migrate, pgliteDialect } from '../src/index.js'

// PGlite is the example app's zero-config database, so the other stores run there too.
async function pglite() {
  const db = new Kysely<unknown>({ dialect: pgliteDialect({ pglite: new PGlite() }) })
  await migrate(db)
  return db
}

limiterStoreSuite('postgres on PGlite (in memory)', async ({ clock }) => {
  const db = await pglite()
  return { store: createPostgresStores(db, { clock }).limiterStore, close: () => db.destroy() }
})

usageSuite('postgres on PGlite (in memory)', async ({ clock }) => {
  const db = await pglite()
  return { usage: createPostgresStores(db, { clock }).usage, close: () => db.destroy() }
})

usersSuite('postgres on PGlite (in memory)', async ({ clock }) => {
  const db = await pglite()
  return { users: createPostgresStores(db, { clock }).users, close: () => db.destroy() }
})
