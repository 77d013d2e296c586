import { existsSync } from 'node:fs'
import pg from 'pg'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { createTestDatabase, databaseUrl, pgbouncerUrl, spawnPgBouncer, type TestDatabase } from '../src/index.js'

/** The same URL with another database name (PgBouncer passes every name through). */
function withDatabase(url: string, name: string): string {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url })
  client.on('error', () => {})
  await client.connect()
  return client
}

const pid = async (c: pg.Client) => (await c.query<{ p: number }>('SELECT pg_backend_pid() AS p')).rows[0]!.p

describe('PgBouncer in transaction mode (the global one)', () => {
  const dbs: TestDatabase[] = []
  afterAll(async () => {
    await Promise.all(dbs.map((d) => d.drop()))
  })
  // A database of its own gives a (database, user) pool of its own that no other test uses, so
  // which server connection PgBouncer hands out is predictable: the one idle before.
  const privatePool = async () => {
    const db = await createTestDatabase({ prefix: 'pgb' })
    dbs.push(db)
    return withDatabase(pgbouncerUrl(), db.name)
  }

  it('is exported through env and inject(), answers with a password login', async () => {
    expect(inject('pgbouncerUrl')).toBe(pgbouncerUrl())
    expect(new URL(pgbouncerUrl()).password).not.toBe('')
    const c = await connect(pgbouncerUrl())
    try {
      expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }])
    } finally {
      await c.end()
    }
  })

  it('hands one server connection to two clients in turn: pooling per transaction, not per session', async () => {
    const url = await privatePool()
    const [a, b] = [await connect(url), await connect(url)]
    try {
      const first = await pid(a) // a's statement ends, its server connection goes back to the pool
      await b.query('BEGIN')
      expect(await pid(b)).toBe(first) // b now runs on the server connection a used
      expect(await pid(a)).not.toBe(first) // so a, still connected, gets another one
      await b.query('COMMIT')
    } finally {
      await Promise.all([a.end(), b.end()])
    }
  })

  it('breaks a named prepared statement (what the stores must never send)', async () => {
    const url = await privatePool()
    const [a, b] = [await connect(url), await connect(url)]
    try {
      await a.query({ name: 'probe', text: 'SELECT 1 AS one' }) // parsed on server connection 1
      await b.query('BEGIN') // b holds server connection 1
      await pid(b)
      // pg believes 'probe' is prepared and sends only Bind/Execute, on server connection 2
      const error = await a.query({ name: 'probe', text: 'SELECT 1 AS one' }).catch((e: unknown) => e)
      expect((error as { code?: string }).code).toBe('26000') // prepared statement "probe" does not exist
      await b.query('COMMIT')
    } finally {
      await Promise.all([a.end(), b.end()])
    }
  })
})

describe('spawnPgBouncer', () => {
  it('starts a private one in front of a server; destroy() stops it and removes its dir', async () => {
    const bouncer = await spawnPgBouncer({ serverUrl: databaseUrl(), poolSize: 2 })
    const c = await connect(bouncer.url)
    expect((await c.query('SELECT current_user AS u')).rows).toEqual([
      { u: new URL(databaseUrl()).username || 'postgres' },
    ])
    await c.end()
    const processId = bouncer.pid
    expect(processId).toBeGreaterThan(0)
    await bouncer.destroy()
    expect(bouncer.pid).toBeUndefined()
    expect(existsSync(bouncer.dir)).toBe(false)
    expect(() => process.kill(processId as number, 0)).toThrow()
  })
})
