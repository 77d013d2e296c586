import { randomBytes } from 'node:crypto'
import { createTestDatabase, type TestDatabase, withClient } from '@metered/tooling'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'

// lib/stores.ts is a server module: 'server-only' refuses to load outside Next's server bundles.
vi.mock('server-only', () => ({}))

// The example's store set-up (lib/db.ts + lib/stores.ts) on a real PostgreSQL server, as a
// deployment with DATABASE_URL has it. When the server terminates the pool's connections (a
// failover, a restart, an admin), node-postgres emits 'error' on the pool; with no listener
// Node.js treats it as an uncaught exception and the whole app process dies.
const serverUrl = process.env.DATABASE_URL

describe.skipIf(!serverUrl)("the example's Postgres pool", () => {
  let database: TestDatabase
  const uncaught: unknown[] = []
  const record = (error: unknown) => uncaught.push(error)

  beforeAll(async () => {
    database = await createTestDatabase({ prefix: 'starter_pool', serverUrl: serverUrl ?? '' })
    vi.stubEnv('DATABASE_URL', database.url)
    vi.stubEnv('DATABASE_POOL_SIZE', '4')
    process.on('uncaughtException', record)
  })

  afterAll(async () => {
    process.off('uncaughtException', record)
    const { database: db } = await import('../lib/db')
    await db().destroy()
    vi.unstubAllEnvs()
    await database?.drop()
  })

  test('survives pg_terminate_backend of its connections, and the next call works', async () => {
    const { ledger } = await import('../lib/stores')
    const account = `pool-${randomBytes(6).toString('hex')}`
    // Several calls at once, so the pool holds several idle connections afterwards.
    await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        ledger.grant({ account, amount: 10, source: 'test', idempotencyKey: `${account}:${i}` }),
      ),
    )
    expect((await ledger.balance(account)).available).toBe(40)

    const terminated = await withClient(serverUrl ?? '', async (client) => {
      const { rows } = await client.query(
        'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [database.name],
      )
      // Wait until the server has really closed them (their 'error' reached the pool by then).
      for (;;) {
        const left = await client.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [
          database.name,
        ])
        if (left.rows[0].n === 0) break
        await new Promise((r) => setTimeout(r, 20))
      }
      return rows.length
    })
    expect(terminated).toBeGreaterThan(0)

    // The next call opens a fresh connection and works; nothing escaped as an uncaught exception.
    await ledger.grant({ account, amount: 2, source: 'test', idempotencyKey: `${account}:after` })
    expect((await ledger.balance(account)).available).toBe(42)
    expect(uncaught.map(String)).toEqual([])
  })
})
