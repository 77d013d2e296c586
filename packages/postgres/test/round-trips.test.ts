import { createManualClock, fixedWindow, StoreUnavailableError, slidingWindow, tokenBucket } from '@metered/core'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPostgresStores } from '../src/index.js'
import { type PgTestDb, pgTestDb, storesFor } from './harness.js'

describe('postgres: one round trip per operation', () => {
  let t: PgTestDb
  beforeAll(async () => {
    t = await pgTestDb({ max: 4 })
  })
  afterAll(async () => {
    await t.close()
  })

  /** Runs `fn` and returns how many queries the pool saw meanwhile (kysely's log hook). */
  async function count(fn: () => Promise<unknown>): Promise<number> {
    const before = t.queries()
    await fn()
    return t.queries() - before
  }

  it('every money operation, read and limiter call is exactly one query', async () => {
    const clock = createManualClock()
    const { ledger, limiterStore } = storesFor(t, clock)
    const account = 'round-trips'
    let grantId = ''
    let holdId = ''
    let otherHold = ''
    expect(
      await count(async () => {
        const g = await ledger.grant({ account, amount: 100, source: 's', idempotencyKey: 'rt:g' })
        grantId = g.grantId
      }),
    ).toBe(1)
    expect(await count(() => ledger.grant({ account, amount: 100, source: 's', idempotencyKey: 'rt:g' }))).toBe(1)
    expect(await count(() => ledger.debit({ account, amount: 5, reason: 'r' }))).toBe(1)
    expect(await count(() => ledger.debit({ account, amount: 5, reason: 'r', idempotencyKey: 'rt:d' }))).toBe(1)
    expect(await count(() => ledger.debit({ account, amount: 5000, reason: 'r' }))).toBe(1)
    expect(
      await count(async () => {
        const r = await ledger.reserve({ account, amount: 20, ttl: '1 m' })
        if (r.ok) holdId = r.hold.id
        const o = await ledger.reserve({ account, amount: 10, ttl: '1 m', idempotencyKey: 'rt:r' })
        if (o.ok) otherHold = o.hold.id
      }),
    ).toBe(2)
    expect(await count(() => ledger.settle({ holdId, amount: 30 }))).toBe(1)
    expect(await count(() => ledger.release({ holdId: otherHold }))).toBe(1)
    expect(
      await count(() => ledger.revoke({ account, grantId, amount: 1, reason: 'refund', idempotencyKey: 'rt:v' })),
    ).toBe(1)
    clock.advance(120_000) // so reads run housekeeping too
    expect(await count(() => ledger.balance(account))).toBe(1)
    expect(await count(() => ledger.history(account, { limit: 2 }))).toBe(1)
    expect(await count(() => ledger.verify(account))).toBe(1)
    const items = [
      { key: 'rt', name: 'f', rule: fixedWindow({ limit: 5, window: '1 m' }), cost: 1 },
      { key: 'rt', name: 's', rule: slidingWindow({ limit: 5, window: '1 m' }), cost: 1 },
      { key: 'rt', name: 'b', rule: tokenBucket({ capacity: 5, refillEvery: '1 s' }), cost: 1 },
    ]
    expect(await count(() => limiterStore.consume({ items }))).toBe(1)
    expect(await count(() => limiterStore.consume({ items, dryRun: true }))).toBe(1)
  })

  it('one-step authorize (rules + balance + hold or debit) is one query', async () => {
    const clock = createManualClock()
    const { ledger, limiterStore, authorizer } = storesFor(t, clock)
    const account = 'one-step'
    await ledger.grant({ account, amount: 100, source: 's', idempotencyKey: 'os:g' })
    const limits = {
      items: [{ key: account, name: 'day', rule: fixedWindow({ limit: 10, window: '1 d' }), cost: 1 }],
    }
    const base = { account, ttl: '1 m', reason: 'generate', limits } as const
    expect(await count(() => authorizer.authorize({ ...base, amount: 5, charge: false }))).toBe(1)
    expect(await count(() => authorizer.authorize({ ...base, amount: 5, charge: true, idempotencyKey: 'os:k' }))).toBe(
      1,
    )
    // A replay (answered before any lock) is one query too.
    expect(await count(() => authorizer.authorize({ ...base, amount: 5, charge: true, idempotencyKey: 'os:k' }))).toBe(
      1,
    )
    expect(await count(() => authorizer.authorize({ ...base, amount: 500, charge: true }))).toBe(1)
    expect(authorizer.limiterStore).toBe(limiterStore)
    expect(await ledger.balance(account)).toMatchObject({ available: 90, held: 5 })
  })

  it('invalid input costs no query at all', async () => {
    const { ledger, limiterStore, usage, users } = storesFor(t)
    const before = t.queries()
    await expect(ledger.debit({ account: '', amount: 1, reason: 'r' })).rejects.toMatchObject({
      code: 'validation_error',
    })
    await expect(ledger.grant({ account: 'a', amount: 1.5, source: 's', idempotencyKey: 'k' })).rejects.toMatchObject({
      code: 'validation_error',
    })
    await expect(ledger.history('a', { cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: 'validation_error' })
    await expect(limiterStore.consume({ items: [] })).rejects.toMatchObject({ code: 'validation_error' })
    await expect(usage.list({ account: 'a', from: 0, to: 1, cursor: 'x' })).rejects.toMatchObject({
      code: 'validation_error',
    })
    await expect(users.list({ cursor: '../../' })).rejects.toMatchObject({ code: 'validation_error' })
    expect(t.queries()).toBe(before)
  })

  it('uses the database clock when no clock is given', async () => {
    const { ledger } = storesFor(t)
    const account = 'db-clock'
    await ledger.grant({ account, amount: 10, source: 's', idempotencyKey: 'dbc:g' })
    const before = Date.now()
    const r = await ledger.reserve({ account, amount: 3, ttl: '10 s' })
    if (!r.ok) throw new Error('reserve refused')
    // Same machine, so the two clocks agree to well within a second.
    expect(Math.abs(r.hold.createdAt - before)).toBeLessThan(1000)
    expect(r.hold.expiresAt - r.hold.createdAt).toBe(10_000)
  })

  it('expiry follows the database clock when no clock is given', async () => {
    const { ledger } = storesFor(t)
    const account = 'db-clock-expiry'
    await ledger.grant({ account, amount: 10, source: 'soon', idempotencyKey: 'dbe:g1', expiresAt: Date.now() + 300 })
    await ledger.grant({ account, amount: 5, source: 'later', idempotencyKey: 'dbe:g2' })
    expect((await ledger.balance(account)).available).toBe(15)
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect((await ledger.balance(account)).available).toBe(5)
    const expired = await ledger.history(account, { types: ['expire'] })
    expect(expired.entries.map((e) => [e.amount, e.reason])).toEqual([[-10, 'soon']])
    expect((await ledger.verify(account)).ok).toBe(true)
  })

  it('an unreachable server is StoreUnavailableError', async () => {
    const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/postgres', max: 1 })
    pool.on('error', () => {})
    const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) })
    const { ledger, limiterStore } = createPostgresStores(db)
    await expect(ledger.balance('a')).rejects.toBeInstanceOf(StoreUnavailableError)
    await expect(
      limiterStore.consume({
        items: [{ key: 'k', name: 'n', rule: fixedWindow({ limit: 1, window: '1 s' }), cost: 1 }],
      }),
    ).rejects.toMatchObject({ code: 'store_unavailable' })
    await db.destroy()
  })
})
