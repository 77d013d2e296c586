import { createManualClock } from '@metered/core'
import { withRedis } from '@metered/tooling'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisStores } from '../src/index.js'
import { connect, redisUrl, type TestClient, uniquePrefix } from './helpers/clients.js'
import { rawReaders } from './helpers/raw-readers.js'

/** The hash tag Redis Cluster hashes a key by: the first non-empty `{...}`. */
function hashTag(key: string): string {
  const open = key.indexOf('{')
  const close = key.indexOf('}', open + 1)
  return open >= 0 && close > open + 1 ? key.slice(open + 1, close) : key
}

async function keysOf(prefix: string): Promise<string[]> {
  return withRedis(redisUrl(), async (r) => {
    const keys: string[] = []
    for await (const batch of r.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) keys.push(...batch)
    return keys
  })
}

describe('redis ledger specifics', () => {
  let c: TestClient
  beforeAll(async () => {
    c = await connect('ioredis')
  })
  afterAll(async () => {
    await c.close()
  })

  it('keeps the newest N entries; balance and verify still add up after trimming', async () => {
    const prefix = uniquePrefix('trim')
    const { ledger } = createRedisStores(c.client, { prefix, historyLimit: 10 })
    await ledger.grant({ account: 'a', amount: 1000, source: 'buy', idempotencyKey: `${prefix}g` })
    for (let i = 0; i < 25; i++) await ledger.debit({ account: 'a', amount: 3, reason: `d${i}` })
    const entries = await rawReaders(c.client, prefix).entries('a')
    expect(entries).toHaveLength(10)
    const verify = await ledger.verify('a')
    expect(verify).toMatchObject({ ok: true, available: 925, entriesSum: 925, problems: [] })
    const page = await ledger.history('a', { limit: 50 })
    expect(page.entries.map((e) => e.reason)).toEqual(Array.from({ length: 10 }, (_, i) => `d${24 - i}`))
    expect(page.nextCursor).toBeNull()
  })

  it('puts every key of an account under one hash tag, whatever the account id', async () => {
    const prefix = uniquePrefix('tag')
    const clock = createManualClock()
    const { ledger, limiterStore } = createRedisStores(c.client, { prefix, clock })
    for (const account of ['user:1', 'we{ird}', '%7B}{', 'a b']) {
      const g = await ledger.grant({ account, amount: 10, source: 's', idempotencyKey: `${prefix}${account}` })
      const r = await ledger.reserve({ account, amount: 4, ttl: '1 m' })
      if (!r.ok) throw new Error('refused')
      expect(r.hold.account).toBe(account)
      await ledger.settle({ holdId: r.hold.id, amount: 1 })
      await ledger.revoke({ account, grantId: g.grantId, amount: 1, reason: 'r' })
      expect(await ledger.verify(account)).toMatchObject({ ok: true, available: 8 })
      expect((await ledger.balance(account)).account).toBe(account)
    }
    await limiterStore.consume({
      items: ['a', 'b'].map((name) => ({
        key: 'we{ird}',
        name,
        cost: 1,
        rule: { kind: 'fixed_window', limit: 5, windowMs: 60_000, refillAmount: 0 },
      })),
    })
    const keys = await keysOf(prefix)
    const accountKeys = keys.filter((k) => !k.includes('rl:'))
    expect(new Set(accountKeys.map(hashTag)).size).toBe(4)
    expect(new Set(keys.filter((k) => k.includes('rl:')).map(hashTag))).toEqual(new Set(['we%7Bird%7D']))
  })

  it('keeps amounts up to 2^53 - 1 exact (records, replies, entries)', async () => {
    const prefix = uniquePrefix('big')
    const { ledger } = createRedisStores(c.client, { prefix })
    const max = Number.MAX_SAFE_INTEGER
    const g = await ledger.grant({
      account: 'a',
      amount: max,
      source: 'huge',
      idempotencyKey: `${prefix}g`,
      expiresAt: 8_640_000_000_000,
    })
    expect(g).toMatchObject({ amount: max, available: max })
    const r = await ledger.reserve({ account: 'a', amount: max - 1, ttl: '1 h' })
    if (!r.ok) throw new Error('refused')
    expect(await ledger.settle({ holdId: r.hold.id, amount: max - 2 })).toMatchObject({ charged: max - 2, released: 1 })
    expect(await ledger.balance('a')).toMatchObject({ available: 2, held: 0, grants: [{ remaining: 2, amount: max }] })
    expect((await ledger.history('a')).entries.map((e) => e.amount)).toEqual([-(max - 2), max])
    expect(await ledger.verify('a')).toMatchObject({ ok: true, entriesSum: 2 })
    expect(await rawReaders(c.client, prefix).grants('a')).toEqual([{ id: g.grantId, amount: max, remaining: 2 }])
  })

  it('answers not found for ids it never issued, without touching Redis', async () => {
    const { ledger } = createRedisStores(c.client, { prefix: uniquePrefix('ids') })
    expect(await ledger.settle({ holdId: 'nope', amount: 1 })).toEqual({ ok: false, reason: 'hold_not_found' })
    expect(await ledger.release({ holdId: 'g1:a' })).toEqual({ ok: false, reason: 'hold_not_found' })
    expect(await ledger.release({ holdId: 'h1:a' })).toEqual({ ok: false, reason: 'hold_not_found' })
    expect(await ledger.revoke({ account: 'a', grantId: 'h1:a', reason: 'x' })).toEqual({
      ok: false,
      reason: 'grant_not_found',
    })
    expect(await ledger.revoke({ account: 'a', grantIdempotencyKey: 'never', reason: 'x' })).toEqual({
      ok: false,
      reason: 'grant_not_found',
    })
  })

  it('keys of two prefixes never meet', async () => {
    const a = createRedisStores(c.client, { prefix: uniquePrefix('pa') }).ledger
    const b = createRedisStores(c.client, { prefix: uniquePrefix('pb') }).ledger
    await a.grant({ account: 'x', amount: 5, source: 's', idempotencyKey: 'same' })
    const r = await b.grant({ account: 'x', amount: 7, source: 's', idempotencyKey: 'same' })
    expect(r.replayed).toBe(false)
    expect((await a.balance('x')).available).toBe(5)
    expect((await b.balance('x')).available).toBe(7)
  })

  it('refuses a prefix with braces', () => {
    expect(() => createRedisStores(c.client, { prefix: 'x{y}:' })).toThrow(/prefix/)
  })
})
