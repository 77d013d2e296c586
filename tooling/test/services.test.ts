import { existsSync } from 'node:fs'
import pg from 'pg'
import { describe, expect, inject, it } from 'vitest'
import {
  createTestDatabase,
  databaseUrl,
  redisUrl,
  spawnPostgresServer,
  spawnRedisServer,
  uniqueName,
  withClient,
  withRedis,
} from '../src/index.js'

describe('global test services', () => {
  it('provides the URLs through env and inject()', () => {
    expect(databaseUrl()).toMatch(/^postgres(ql)?:\/\//)
    expect(redisUrl()).toMatch(/^rediss?:\/\//)
    expect(inject('databaseUrl')).toBe(databaseUrl())
    expect(inject('redisUrl')).toBe(redisUrl())
  })

  it('PostgreSQL answers, version 15 or newer, with room for many connections', async () => {
    await withClient(databaseUrl(), async (client) => {
      const { rows } = await client.query<{ v: string; max: string }>(
        "select current_setting('server_version_num') as v, current_setting('max_connections') as max",
      )
      expect(Number(rows[0]!.v)).toBeGreaterThanOrEqual(150000)
      expect(Number(rows[0]!.max)).toBeGreaterThanOrEqual(100)
    })
  })

  it('Redis answers', async () => {
    const key = uniqueName('tooling')
    const replies = await withRedis(redisUrl(), async (r) => [
      await r.ping(),
      ...(await r.multi().set(key, 'v').get(key).del(key).execAsPipeline()),
    ])
    expect(replies).toEqual(['PONG', 'OK', 'v', 1])
  })
})

describe('createTestDatabase', () => {
  it('creates an isolated database and drops it', async () => {
    const db = await createTestDatabase()
    const client = new pg.Client({ connectionString: db.url })
    client.on('error', () => {}) // the drop terminates this session on purpose
    await client.connect()
    await client.query('create table t (x int)')
    await client.query('insert into t values (1)')
    expect((await client.query('select current_database() as d')).rows[0].d).toBe(db.name)
    // the connection is still open: drop must work anyway (WITH FORCE)
    await db.drop()
    await client.end().catch(() => {})
    const { rows } = await withClient(databaseUrl(), (c) =>
      c.query('select count(*)::int as n from pg_database where datname = $1', [db.name]),
    )
    expect(rows[0].n).toBe(0)
  })
})

describe('spawnRedisServer', () => {
  it('stops and starts a private redis-server on the same port', async () => {
    const server = await spawnRedisServer()
    try {
      const ping = (connectTimeoutMs?: number) =>
        withRedis(server.url, (r) => r.ping(), connectTimeoutMs ? { connectTimeoutMs } : {})
      expect(await ping()).toBe('PONG')
      const pid = server.pid
      expect(pid).toBeTypeOf('number')
      await server.stop()
      expect(server.pid).toBeUndefined()
      await expect(ping(500)).rejects.toThrow()
      await server.start()
      expect(await ping()).toBe('PONG')
      await server.stop('SIGKILL')
      await expect(ping(500)).rejects.toThrow()
    } finally {
      await server.destroy()
    }
  })
})

describe('spawnPostgresServer', () => {
  it('stops and starts a private PostgreSQL keeping its data', async () => {
    const server = await spawnPostgresServer({ maxConnections: 20 })
    try {
      await withClient(server.url, (c) => c.query('create table kept (x int); insert into kept values (42)'))
      await server.stop()
      expect(server.pid).toBeUndefined()
      await expect(withClient(server.url, (c) => c.query('select 1'))).rejects.toThrow()
      await server.start()
      const { rows } = await withClient(server.url, (c) => c.query('select x from kept'))
      expect(rows).toEqual([{ x: 42 }])
      // like a crash (synchronous_commit=off: the last commits may be lost), then recovery
      await server.stop('immediate')
      await server.start()
      await withClient(server.url, (c) => c.query('select 1'))
    } finally {
      await server.destroy()
    }
    expect(existsSync(server.dir)).toBe(false)
  })
})
