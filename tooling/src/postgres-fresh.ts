// A fresh, migrated PostgreSQL database for a test file. The migration is the caller's
// `migrate` from @metered/postgres, passed in: @metered/postgres's own tests use this module, so
// tooling depending on @metered/postgres would be a cycle in the workspace graph.
import { Kysely, type KyselyConfig, PostgresDialect } from 'kysely'
import pg from 'pg'
import { createTestDatabase, pgbouncerUrl, uniqueName } from './index.js'

/** @metered/postgres's `migrate`, or anything with its shape. */
export type Migrate = (db: Kysely<unknown>, options: { schema: string }) => Promise<unknown>

export interface FreshPostgresOptions {
  /** The migration to run: `migrate` from @metered/postgres; `false` for an empty database. */
  migrate: Migrate | false
  /** Prefix of the database and schema names, to tell them apart in a failure. @default 'fresh' */
  prefix?: string
  /**
   * How the pool connects: straight to the test server, or through the test PgBouncer
   * (transaction pooling, as with Supabase's or Neon's pooled URL). @default 'direct'
   */
  via?: 'direct' | 'pgbouncer'
  /** Pool settings besides the connection string (`max` defaults to 20). */
  pool?: Omit<pg.PoolConfig, 'connectionString'>
  /** Kysely settings besides the dialect (a `log` hook). */
  kysely?: Omit<KyselyConfig, 'dialect'>
}

export interface FreshPostgres {
  /** URL of the new database, the way the pool reaches it (through PgBouncer with `via: 'pgbouncer'`). */
  url: string
  pool: pg.Pool
  db: Kysely<unknown>
  /** The schema `migrate` created (not created with `migrate: false`). */
  schema: string
  /** Another freshly migrated schema in the same database, for a test that wants its own tables. */
  freshSchema(prefix?: string): Promise<string>
  /** Destroys the pool and drops the database. Idempotent. */
  close(): Promise<void>
}

/**
 * CREATE DATABASE on the test server (`createTestDatabase`), a pg Pool and a kysely over it, and
 * a schema migrated by `migrate`. Call `close()` in `afterAll` (or after the test): the database
 * goes with it, so nothing a test wrote is left on the shared server.
 * @example
 * const pg = await freshPostgres({ prefix: 'routes', migrate })
 * afterAll(() => pg.close())
 * const stores = createPostgresStores(pg.db, { schema: await pg.freshSchema() })
 */
export async function freshPostgres(options: FreshPostgresOptions): Promise<FreshPostgres> {
  const prefix = options.prefix ?? 'fresh'
  const database = await createTestDatabase({ prefix })
  let url = database.url
  if (options.via === 'pgbouncer') {
    const bouncer = new URL(pgbouncerUrl())
    bouncer.pathname = `/${database.name}`
    url = bouncer.toString()
  }
  const pool = new pg.Pool({ max: 20, ...options.pool, connectionString: url })
  // pg emits 'error' on the pool (idle clients) or on a checked-out client when a connection dies;
  // tests end some on purpose, and without listeners Node treats the event as uncaught. The query
  // itself still rejects, typed.
  pool.on('error', () => {})
  pool.on('connect', (client) => client.on('error', () => {}))
  const db = new Kysely<unknown>({ ...options.kysely, dialect: new PostgresDialect({ pool }) })
  const { migrate } = options
  const freshSchema = async (schemaPrefix = prefix): Promise<string> => {
    const schema = uniqueName(schemaPrefix)
    if (migrate) await migrate(db, { schema })
    return schema
  }
  let closed = false
  const close = async () => {
    if (closed) return
    closed = true
    try {
      await db.destroy()
    } finally {
      await database.drop()
    }
  }
  let schema: string
  try {
    schema = migrate ? await freshSchema() : uniqueName(prefix)
  } catch (error) {
    await close()
    throw error
  }
  return { url, pool, db, schema, freshSchema, close }
}
