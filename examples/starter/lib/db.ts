import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { migrate, pgliteDialect } from '@metered/postgres'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'

// biome-ignore lint/suspicious/noExplicitAny: metered's tables live in their own schema; the app never queries them itself
type Db = Kysely<any>

// One database handle per process. Kept on globalThis because Next may evaluate this module more
// than once (dev reloads, separate route bundles), and PGlite must never open one directory twice.
const cache = globalThis as typeof globalThis & { __starterDb?: Db }

/**
 * The database metered keeps its ledger, limits, usage and users in (schema `metered`, beside
 * your Prisma tables): `DATABASE_URL` (Postgres, Neon, Vercel Postgres) when set, else an
 * embedded PGlite in `.data/pglite`. Nothing connects until the first query, which first runs
 * `migrate()` once; so importing this at build time touches nothing.
 */
export function database(): Db {
  cache.__starterDb ??= process.env.DATABASE_URL ? postgres(process.env.DATABASE_URL) : pglite(pgliteDir())
  return cache.__starterDb
}

export function pgliteDir(): string {
  // A run-time data directory, not a source path: keep it out of the deployment's file tracing.
  return path.resolve(/*turbopackIgnore: true*/ process.env.PGLITE_DIR || path.join(process.cwd(), '.data', 'pglite'))
}

function postgres(connectionString: string): Db {
  const pool = new pg.Pool({ connectionString, max: Number(process.env.DATABASE_POOL_SIZE || 10) })
  // A connection the server closes (restart, failover, pg_terminate_backend) makes pg emit 'error'
  // on the pool (idle connections) or on the client; without listeners Node.js treats them as
  // uncaught exceptions and the process dies. The pool drops the dead connection by itself, and a
  // query in flight still rejects (the stores answer StoreUnavailableError): logging is enough.
  pool.on('error', (error) => console.error('[starter] postgres connection lost:', error.message))
  pool.on('connect', (client) => client.on('error', () => {}))
  // The dialect asks for the pool once, at the first query: migrate through a second handle first.
  const ready = async () => {
    await migrate(new Kysely({ dialect: new PostgresDialect({ pool }) }))
    return pool
  }
  return new Kysely({ dialect: new PostgresDialect({ pool: ready }) })
}

function pglite(dir: string): Db {
  const ready = async () => {
    mkdirSync(dir, { recursive: true })
    const instance = new PGlite(dir)
    await instance.waitReady
    await migrate(new Kysely({ dialect: pgliteDialect({ pglite: instance }) }))
    return instance
  }
  return new Kysely({ dialect: pgliteDialect({ pglite: ready }) })
}

/** Opens and migrates the database now (server start) rather than at the first request. */
export async function warmUpDatabase(): Promise<void> {
  try {
    await sql`SELECT 1`.execute(database())
  } catch (error) {
    console.error('[starter] the database is not reachable yet:', error)
  }
}
