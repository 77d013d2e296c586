import { createLimiter, slidingWindow } from '@metered/core'
import { startUpstashBridge, type UpstashBridge } from '@metered/tooling'
import { Redis } from '@upstash/redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisStores, fromUpstash } from '../src/index.js'
import { redisUrl, uniquePrefix } from './helpers/clients.js'

// The scripts reply JSON text; @upstash/redis parses it by default. Both forms must work.
describe('@upstash/redis client options', () => {
  let bridge: UpstashBridge
  beforeAll(async () => {
    bridge = await startUpstashBridge(redisUrl())
  })
  afterAll(async () => {
    await bridge.close()
  })

  for (const options of [
    { automaticDeserialization: false, enableAutoPipelining: false },
    { automaticDeserialization: true, enableAutoPipelining: true, responseEncoding: false as const },
  ]) {
    it(`works with ${JSON.stringify(options)}`, async () => {
      const redis = new Redis({
        url: bridge.url,
        token: bridge.token,
        retry: false,
        enableTelemetry: false,
        ...options,
      })
      const { ledger, limiterStore } = createRedisStores(fromUpstash(redis), { prefix: uniquePrefix('up') })
      const g = await ledger.grant({ account: 'a', amount: 10, source: 's', idempotencyKey: 'k', metadata: { n: 1 } })
      expect(g).toMatchObject({ ok: true, amount: 10, available: 10, replayed: false })
      expect(await ledger.grant({ account: 'a', amount: 10, source: 's', idempotencyKey: 'k' })).toEqual({
        ...g,
        replayed: true,
      })
      await ledger.debit({ account: 'a', amount: 3, reason: 'x' })
      const page = await ledger.history('a')
      expect(page.entries.map((e) => [e.type, e.amount, e.metadata])).toEqual([
        ['debit', -3, null],
        ['grant', 10, { n: 1 }],
      ])
      const limiter = createLimiter({ store: limiterStore, rules: { m: slidingWindow({ limit: 2, window: '1 m' }) } })
      const results = [await limiter.limit('k'), await limiter.limit('k'), await limiter.limit('k')]
      expect(results.map((r) => r.ok)).toEqual([true, true, false])
    })
  }

  it('rejects a wrong token (the bridge checks it)', async () => {
    const redis = new Redis({ url: bridge.url, token: 'wrong', retry: false, enableTelemetry: false })
    await expect(redis.ping()).rejects.toThrow(/Unauthorized/)
  })
})
