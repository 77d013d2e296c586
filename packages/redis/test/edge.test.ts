// @vitest-environment edge-runtime
import { createLimiter, slidingWindow } from '@metered/core'
import { startUpstashBridge, type UpstashBridge } from '@metered/tooling'
// The web build of the client (fetch only), as bundled for Vercel's Edge runtime.
import { Redis } from '@upstash/redis/cloudflare'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisStores, fromUpstash } from '../src/index.js'
import { redisUrl, uniquePrefix } from './helpers/clients.js'

describe('on the Edge runtime (Upstash REST)', () => {
  let bridge: UpstashBridge
  beforeAll(async () => {
    bridge = await startUpstashBridge(redisUrl())
  })
  afterAll(async () => {
    await bridge.close()
  })

  it('limits and keeps a ledger with Web APIs only (SHA1 by SubtleCrypto, fetch)', async () => {
    expect(typeof (globalThis as { EdgeRuntime?: unknown }).EdgeRuntime).toBe('string')
    const redis = new Redis({ url: bridge.url, token: bridge.token, enableTelemetry: false })
    const { limiterStore, ledger } = createRedisStores(fromUpstash(redis), { prefix: uniquePrefix('edge') })
    const limiter = createLimiter({ store: limiterStore, rules: { m: slidingWindow({ limit: 2, window: '1 m' }) } })
    const results = [await limiter.limit('u'), await limiter.limit('u'), await limiter.limit('u')]
    expect(results.map((r) => [r.ok, r.reason])).toEqual([
      [true, undefined],
      [true, undefined],
      [false, 'rate_limited'],
    ])
    await ledger.grant({ account: 'e', amount: 5, source: 'signup', idempotencyKey: uniquePrefix('k') })
    expect(await ledger.debit({ account: 'e', amount: 2, reason: 'chat' })).toMatchObject({ ok: true, available: 3 })
  })
})
