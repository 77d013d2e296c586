import { createLimiter, createManualClock, createMetered, fixedWindow } from '@metered/core'
import { createPostgresStores, migrate } from '@metered/postgres'
import { createRedisStores, fromIoredis } from '@metered/redis'
import { redisUrl, uniqueName } from '@metered/tooling'
import { type FreshPostgres, freshPostgres } from '@metered/tooling/postgres-fresh'
import { Redis as IoRedis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// The deployment "Postgres for money, Redis for limits" takes createMetered's two-step path. A
// call the limiter refuses releases its hold, and a released hold frees its idempotency key
// (docs/semantics.md): the retry is evaluated afresh (refused while the rule is spent, then a
// ticket that settles), never handed a ticket on the released hold whose settle would fail
// after the app did the work.

describe('two steps over Postgres + Redis: a call refused by the limiter frees its key', () => {
  const clock = createManualClock()
  let postgres: FreshPostgres | undefined
  let redis: IoRedis
  let metered: ReturnType<typeof createMetered>
  let limiter: ReturnType<typeof createLimiter>

  beforeAll(async () => {
    postgres = await freshPostgres({ prefix: 'release', migrate })
    const { ledger } = createPostgresStores(postgres.db, { schema: postgres.schema, clock })
    redis = new IoRedis(redisUrl())
    const { limiterStore } = createRedisStores(fromIoredis(redis), { prefix: `${uniqueName('release')}:`, clock })
    limiter = createLimiter({ store: limiterStore, rules: { hour: fixedWindow({ limit: 1, window: '1 h' }) } })
    metered = createMetered({ ledger, limiter, clock })
  }, 60_000)

  afterAll(async () => {
    redis?.disconnect()
    await postgres?.close()
  })

  for (const mode of ['estimate', 'price'] as const) {
    it(`${mode}: refused, retried while the rule is spent, then a ticket charged once`, async () => {
      const { ledger } = metered
      const account = `acct-${crypto.randomUUID()}`
      await ledger.grant({ account, amount: 1_000, source: 'test', idempotencyKey: `g-${crypto.randomUUID()}` })
      const spender = await metered.authorize({ account, feature: 'x', price: 1 })
      expect(spender.ok, 'the call that spends the hour').toBe(true)

      const key = `k-${crypto.randomUUID()}`
      const call = () => metered.authorize({ account, feature: 'x', [mode]: 10, idempotencyKey: key })
      expect(await call()).toMatchObject({ ok: false, reason: 'rate_limited' })
      expect(await call(), 'the retry while the rule is spent').toMatchObject({ ok: false, reason: 'rate_limited' })
      expect(await ledger.balance(account)).toMatchObject({ available: 999, held: 0 })

      clock.advance(3_600_000)
      const retried = await call()
      if (!retried.ok) throw new Error(`retry after the window refused: ${JSON.stringify(retried)}`)
      expect((await limiter.peek(account)).remaining, 'the retry consumed the new hour').toBe(0)
      expect((await retried.ticket.settle({ units: 10 })).charged).toBe(10)
      expect(await call(), 'a later retry replays').toMatchObject({ ok: true })
      expect(await ledger.balance(account)).toMatchObject({ available: 989, held: 0 })
      expect((await limiter.peek(account)).remaining).toBe(0)
      expect((await ledger.verify(account)).ok).toBe(true)
    })
  }
})
