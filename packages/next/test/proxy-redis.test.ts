import { createLimiter, slidingWindow } from '@metered/core'
import { createRedisStores, fromIoredis } from '@metered/redis'
import { redisUrl, uniqueName } from '@metered/tooling'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { createProxy } from '../src/proxy/index.js'

// The set-up the docs recommend for proxy.ts: the Redis limiter store, shared by every instance.
// Two proxies stand for two serverless instances; the Redis server is the root globalSetup's.
const redis = new Redis(redisUrl(), { lazyConnect: false, maxRetriesPerRequest: 1 })
afterAll(async () => {
  await redis.quit()
})

function instance(prefix: string) {
  const { limiterStore } = createRedisStores(fromIoredis(redis), { prefix })
  const limiter = createLimiter({
    store: limiterStore,
    rules: { ip: slidingWindow({ limit: 5, window: '1 m' }) },
    prefix: 'proxy:',
    onStoreError: 'allow',
  })
  return createProxy({ limiter })
}

const req = (ip: string) =>
  new Request('https://app.example.com/api/turn_response', { method: 'POST', headers: { 'x-forwarded-for': ip } })

describe('createProxy over the Redis limiter store', () => {
  it('one budget per IP across instances; 429 with headers past it', async () => {
    const prefix = uniqueName('px')
    const a = instance(prefix)
    const b = instance(prefix)
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? a : b)(req('203.0.113.50'))))
    const refused = results.filter((r) => r !== undefined)
    expect(results.length - refused.length).toBe(5)
    for (const r of refused) {
      expect(r?.status).toBe(429)
      expect(r?.headers.get('ratelimit-policy')).toBe('"ip";q=5;w=60')
      expect(Number(r?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    }
    expect(await a(req('203.0.113.51'))).toBeUndefined()
  })
})
