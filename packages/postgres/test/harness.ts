import { PGlite } from '@electric-sql/pglite'
import type { Clock, EntryType } from '@metered/core'
import type { LedgerRawReaders } from '@metered/core/testing'
import { databaseUrl, uniqueName } from '@metered/tooling'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { afterEach } from 'vitest'
import type { AnyKysely } from '../src/db.js'
import { createPostgresStores, migrate, pgliteDialect } from '../src/index.js'
import { assertNoSessionState, auditSessions } from './session-audit.js'

export interface PgTestDb {
  db: Kysely<unknown>
  pool: pg.Pool
  schema: string
  /** Queries the pool has run since creation (counted by kysely's log hook). */
  queries: () => number
  close(): Promise<void>
}

export interface PgTestDbOptions {
  max?: number
  schema?: string
  migrate?: boolean
  /** Where to connect: the test server by default; `pgbouncerUrl()` for the pooled path. */
  url?: string
  /**
   * close() first checks every connection the pool holds for session state (see
   * `session-audit.ts`) and throws if any has some: connections are then kept until close.
   */
  auditSessions?: boolean
}

/** A kysely over its own pg Pool (20 connections by default) and a fresh, migrated schema. */
export async function pgTestDb(options: PgTestDbOptions = {}): Promise<PgTestDb> {
  const pool = new pg.Pool({
    connectionString: options.url ?? databaseUrl(),
    max: options.max ?? 20,
    ...(options.auditSessions ? { idleTimeoutMillis: 0 } : {}),
  })
  // pg emits 'error' on the pool (idle clients) or on the client itself (checked-out clients,
  // which kysely holds) when a connection dies; tests kill some on purpose. Without listeners Node
  // treats the event as an uncaught exception. The query itself still rejects, typed.
  pool.on('error', () => {})
  pool.on('connect', (client) => client.on('error', () => {}))
  let count = 0
  const db = new Kysely<unknown>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      if (event.level === 'query' || event.level === 'error') count++
    },
  })
  const schema = options.schema ?? uniqueName('m')
  if (options.migrate !== false) await migrate(db, { schema })
  return {
    db,
    pool,
    schema,
    queries: () => count,
    async close() {
      try {
        if (options.auditSessions) assertNoSessionState(await auditSessions(pool))
      } finally {
        await db.destroy()
      }
    },
  }
}

export function storesFor(t: { db: AnyKysely; schema: string }, clock?: Clock) {
  return createPostgresStores(t.db, clock ? { schema: t.schema, clock } : { schema: t.schema })
}

/**
 * Reads rows straight from the tables, bypassing the adapter's functions. Entries come in seq
 * order: the suites sum them as JS numbers, and in that order every partial sum is a balance the
 * account really had (at most MAX_BALANCE, so exact). Heap order is not seq order once several
 * connections insert at once, and a partial sum past 2^53 would round.
 */
export function rawReaders(db: AnyKysely, schema: string): LedgerRawReaders {
  const s = sql.raw(`"${schema}"`)
  return {
    async entries(account) {
      const { rows } = await sql<{ type: EntryType; amount: string }>`
        SELECT type, amount::text FROM ${s}.entries WHERE account = ${account} ORDER BY id`.execute(db)
      return rows.map((r) => ({ type: r.type, amount: Number(r.amount) }))
    },
    async grants(account) {
      const { rows } = await sql<{ id: string; amount: string; remaining: string }>`
        SELECT 'g_' || id AS id, amount::text, remaining::text FROM ${s}.grants WHERE account = ${account} ORDER BY id`.execute(
        db,
      )
      return rows.map((r) => ({ id: r.id, amount: Number(r.amount), remaining: Number(r.remaining) }))
    },
  }
}

export interface OpenedBackend {
  db: AnyKysely
  schema: string
  stores: ReturnType<typeof createPostgresStores>
  close(): Promise<void>
}

/** A database under test: a fresh schema on the pg Pool, or a fresh in-memory PGlite. */
export interface Backend {
  name: string
  open(options?: { clock?: Clock; migrate?: boolean }): Promise<OpenedBackend>
}

/** The two drivers the package's own tests run on (each `open` is a fresh, empty schema). */
export const backends: Backend[] = [
  {
    name: 'pg Pool',
    async open(options = {}) {
      const t = await pgTestDb({ max: 20, migrate: options.migrate !== false })
      return { db: t.db, schema: t.schema, stores: storesFor(t, options.clock), close: () => t.close() }
    },
  },
  {
    name: 'PGlite',
    async open(options = {}) {
      const db = new Kysely<unknown>({ dialect: pgliteDialect({ pglite: new PGlite() }) })
      const schema = uniqueName('m')
      if (options.migrate !== false) await migrate(db, { schema })
      return { db, schema, stores: storesFor({ db, schema }, options.clock), close: () => db.destroy() }
    },
  },
]

/**
 * For a describe block: a function that opens `backend` afresh, closed again after the test that
 * opened it.
 */
export function openPerTest(backend: Backend): (options?: Parameters<Backend['open']>[0]) => Promise<OpenedBackend> {
  let open: OpenedBackend | undefined
  afterEach(async () => {
    await open?.close()
    open = undefined
  })
  return async (options) => {
    open = await backend.open(options)
    return open
  }
}
