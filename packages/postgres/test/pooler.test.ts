// Behind a transaction-mode pooler every transaction may run on another server connection. The
// stores must therefore keep nothing in a session; these tests show the check for that works, that
// migrate() keeps nothing, and that concurrent migrate() through PgBouncer still applies once.
import { databaseUrl, pgbouncerUrl, uniqueName } from '@metered/tooling'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { createPostgresStores, migrate } from '../src/index.js'
import { type PgTestDb, pgTestDb } from './harness.js'
import { auditSessions, NO_SESSION_STATE } from './session-audit.js'

describe('postgres behind a transaction-mode pooler', () => {
  const open: PgTestDb[] = []
  const db = async (options: Parameters<typeof pgTestDb>[0]) => {
    const t = await pgTestDb(options)
    open.push(t)
    return t
  }
  afterAll(async () => {
    await Promise.all(open.map((t) => t.close()))
  })

  it('the session audit sees each kind of session state (so a clean audit means something)', async () => {
    const pool = new pg.Pool({ connectionString: databaseUrl(), max: 1, idleTimeoutMillis: 0 })
    try {
      expect(await auditSessions(pool)).toEqual([]) // no connection yet
      await pool.query('SELECT 1')
      expect(await auditSessions(pool)).toEqual([NO_SESSION_STATE])
      await pool.query({ name: 'named_probe', text: 'SELECT 1' })
      await pool.query("SET statement_timeout = '5s'")
      await pool.query('SELECT pg_advisory_lock(42)')
      await pool.query('CREATE TEMP TABLE probe (x int)')
      await pool.query('LISTEN probe_channel')
      await pool.query('BEGIN')
      await pool.query('DECLARE probe_cursor CURSOR WITH HOLD FOR SELECT 1')
      await pool.query('COMMIT')
      expect(await auditSessions(pool)).toEqual([
        {
          prepared: ['named_probe'],
          settings: ['statement_timeout'],
          advisoryLocks: 1,
          tempTables: 1,
          listening: ['probe_channel'],
          cursors: 1,
        },
      ])
    } finally {
      await pool.end()
    }
  })

  it('migrate() leaves no session state on its connection', async () => {
    const t = await db({ max: 1, migrate: false, auditSessions: true })
    expect((await migrate(t.db, { schema: t.schema })).applied.length).toBeGreaterThan(0)
    expect(await auditSessions(t.pool)).toEqual([NO_SESSION_STATE])
  })

  it('migrate() from 4 clients at once through PgBouncer: applied exactly once, every time', async () => {
    // Each client is its own pool with one connection, as 4 app instances starting together.
    const clients = await Promise.all(
      Array.from({ length: 4 }, () => db({ url: pgbouncerUrl(), max: 1, migrate: false })),
    )
    for (let round = 0; round < 5; round++) {
      const schema = uniqueName('mpool')
      const results = await Promise.all(clients.map((t) => migrate(t.db, { schema })))
      const appliers = results.filter((r) => r.applied.length > 0)
      expect(appliers, `round ${round}: one client applies`).toHaveLength(1)
      const version = appliers[0]!.version
      expect(appliers[0]!.applied).toEqual(Array.from({ length: version }, (_, i) => i + 1))
      expect(results.map((r) => r.version)).toEqual([version, version, version, version])
      const { rows } = await (clients[0] as PgTestDb).pool.query(
        `SELECT count(*)::int AS n FROM "${schema}".migrations`,
      )
      expect(rows[0].n).toBe(version)
      // and the schema works through the pooler from another client
      const { ledger } = createPostgresStores((clients[3] as PgTestDb).db, { schema })
      await ledger.grant({ account: 'a', amount: 5, source: 's', idempotencyKey: 'k' })
      expect(await ledger.debit({ account: 'a', amount: 2, reason: 'r' })).toMatchObject({ ok: true })
      expect((await ledger.balance('a')).available).toBe(3)
    }
  })
})
