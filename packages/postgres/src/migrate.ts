import { sql } from 'kysely'
import type { AnyKysely } from './db.js'
import { toMeteredError } from './errors.js'
import { migrations } from './migrations/index.js'
import { DEFAULT_SCHEMA, quoteSchema } from './schema-name.js'

/** Options of `migrate`. */
export interface MigrateOptions {
  /**
   * The Postgres schema that holds every table and function of metered, created if missing.
   * Keeping them apart lets them sit beside a Prisma or Drizzle app's tables untouched.
   * @default 'metered'
   */
  schema?: string
}

/** What `migrate` did. */
export interface MigrateResult {
  /** Versions applied by this call, in order; empty when the schema was already up to date. */
  applied: number[]
  /** The schema's version after this call. */
  version: number
}

/**
 * Creates or upgrades metered's schema. Safe to run from every app instance at start-up and
 * concurrently: one transaction, serialised by a transaction-scoped advisory lock per schema,
 * with a `migrations` table recording what ran. A failed run leaves nothing half-applied.
 * Works through a transaction-mode pooler (Neon's `-pooler` URL, Supabase's port 6543, PgBouncer):
 * it keeps no session state, and its lock ends with its transaction, where a session lock would
 * stay with whichever server connection the pooler lent and its unlock could reach another.
 *
 * @example
 * ```ts
 * const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString }) }) })
 * await migrate(db) // or migrate(db, { schema: 'billing' })
 * ```
 */
export async function migrate(db: AnyKysely, options: MigrateOptions = {}): Promise<MigrateResult> {
  const schema = options.schema ?? DEFAULT_SCHEMA
  const s = quoteSchema(schema)
  try {
    return await db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`metered.migrate:${schema}`}, 0))`.execute(trx)
      await sql.raw(`CREATE SCHEMA IF NOT EXISTS ${s}`).execute(trx)
      await sql
        .raw(
          `CREATE TABLE IF NOT EXISTS ${s}.migrations (
            version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
        )
        .execute(trx)
      const { rows } = await sql<{ version: number }>`SELECT version FROM ${sql.raw(s)}.migrations`.execute(trx)
      const done = new Set(rows.map((r) => Number(r.version)))
      const applied: number[] = []
      for (const m of migrations) {
        if (done.has(m.version)) continue
        for (const statement of m.statements(s)) await sql.raw(statement).execute(trx)
        await sql`INSERT INTO ${sql.raw(s)}.migrations (version, name) VALUES (${m.version}, ${m.name})`.execute(trx)
        applied.push(m.version)
      }
      const version = Math.max(0, ...done, ...applied)
      return { applied, version }
    })
  } catch (e) {
    throw toMeteredError(e)
  }
}
