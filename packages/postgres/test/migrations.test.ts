import { type MeteredError, StoreUnavailableError, ValidationError } from '@metered/core'
import { uniqueName } from '@metered/tooling'
import { sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import { createPostgresStores, migrate } from '../src/index.js'
import { type PgTestDb, pgTestDb } from './harness.js'

describe('postgres: migrations', () => {
  const open: PgTestDb[] = []
  const db = async (options: Parameters<typeof pgTestDb>[0] = {}) => {
    const t = await pgTestDb({ max: 4, migrate: false, ...options })
    open.push(t)
    return t
  }
  afterAll(async () => {
    await Promise.all(open.map((t) => t.close()))
  })

  it('applies every version once; a second run applies nothing', async () => {
    const t = await db()
    expect(await migrate(t.db, { schema: t.schema })).toEqual({
      applied: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
      version: 11,
    })
    expect(await migrate(t.db, { schema: t.schema })).toEqual({ applied: [], version: 11 })
    const { rows } = await sql<{ version: number }>`
      SELECT version FROM ${sql.raw(`"${t.schema}"`)}.migrations ORDER BY version`.execute(t.db)
    expect(rows.map((r) => r.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
  })

  it('runs safely from 6 pools at once: one applies, the others find it done, the store works', async () => {
    const schema = uniqueName('mc')
    const pools = await Promise.all(Array.from({ length: 6 }, () => db({ schema })))
    const results = await Promise.all(pools.map((t) => migrate(t.db, { schema })))
    expect(results.filter((r) => r.applied.length > 0)).toEqual([
      { applied: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], version: 11 },
    ])
    expect(results.every((r) => r.version === 11)).toBe(true)
    const { ledger } = createPostgresStores((pools[0] as PgTestDb).db, { schema })
    await ledger.grant({ account: 'a', amount: 5, source: 's', idempotencyKey: 'k' })
    expect((await ledger.balance('a')).available).toBe(5)
  })

  it('runs several schemas side by side in one database', async () => {
    const t = await db()
    const other = uniqueName('side')
    await Promise.all([migrate(t.db, { schema: t.schema }), migrate(t.db, { schema: other })])
    const a = createPostgresStores(t.db, { schema: t.schema }).ledger
    const b = createPostgresStores(t.db, { schema: other }).ledger
    await a.grant({ account: 'x', amount: 7, source: 's', idempotencyKey: 'same-key' })
    await b.grant({ account: 'x', amount: 9, source: 's', idempotencyKey: 'same-key' })
    expect((await a.balance('x')).available).toBe(7)
    expect((await b.balance('x')).available).toBe(9)
  })

  it('refuses a schema name that is not a plain identifier, before any SQL', async () => {
    const t = await db()
    const before = t.queries()
    await expect(migrate(t.db, { schema: 'x"; DROP TABLE y; --' })).rejects.toBeInstanceOf(ValidationError)
    expect(() => createPostgresStores(t.db, { schema: 'Upper' })).toThrow(ValidationError)
    expect(t.queries()).toBe(before)
  })

  it('an unmigrated schema is StoreUnavailableError telling to migrate, without SQL in the message', async () => {
    const t = await db()
    const { ledger, users } = createPostgresStores(t.db, { schema: uniqueName('none') })
    const error = await ledger.debit({ account: 'a', amount: 1, reason: 'r' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StoreUnavailableError)
    expect((error as MeteredError).code).toBe('store_unavailable')
    expect((error as Error).message).toMatch(/migrate/)
    expect((error as Error).message).not.toMatch(/select|from|\$1/i)
    await expect(users.get('u')).rejects.toBeInstanceOf(StoreUnavailableError)
  })
})
