import { startUpstashBridge, type UpstashBridge } from '@metered/tooling'
import { Ratelimit } from '@upstash/ratelimit'
import { Redis } from '@upstash/redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { redisUrl, uniquePrefix } from './helpers/clients.js'

// The loopback Upstash REST bridge (tooling/src/upstash-bridge.ts) that the REST tests and the
// benchmark rely on: protocol paths, encoding, and the shebang rewrite @upstash/ratelimit needs.
describe('Upstash REST bridge', () => {
  let bridge: UpstashBridge
  let redis: Redis
  beforeAll(async () => {
    bridge = await startUpstashBridge(redisUrl())
    redis = new Redis({
      url: bridge.url,
      token: bridge.token,
      retry: false,
      enableTelemetry: false,
      enableAutoPipelining: false,
    })
  })
  afterAll(async () => {
    await bridge.close()
  })

  it('runs single commands, pipelines and transactions, base64-encoded or not', async () => {
    const key = `${uniquePrefix('br')}k`
    expect(await redis.set(key, 'héllo')).toBe('OK')
    expect(await redis.get(key)).toBe('héllo')
    const p = redis.pipeline()
    p.incr(`${key}:n`)
    p.incr(`${key}:n`)
    p.get(key)
    expect(await p.exec()).toEqual([1, 2, 'héllo'])
    const m = redis.multi()
    m.incr(`${key}:n`)
    m.get(`${key}:n`)
    expect(await m.exec()).toEqual([3, 3])
    const plain = new Redis({ url: bridge.url, token: bridge.token, responseEncoding: false, enableTelemetry: false })
    expect(await plain.get(key)).toBe('héllo')
  })

  it('counts top-level commands (a pipeline of n counts n)', async () => {
    bridge.resetCount()
    const p = redis.pipeline()
    p.ping()
    p.ping()
    p.ping()
    await p.exec()
    await redis.ping()
    expect(bridge.commands).toBe(4)
  })

  it('runs @upstash/ratelimit (allow-key-locking shebang) at one request per call after the first', async () => {
    for (const limiter of [
      Ratelimit.slidingWindow(3, '60 s'),
      Ratelimit.fixedWindow(3, '60 s'),
      Ratelimit.tokenBucket(1, '60 s', 3),
    ]) {
      const rl = new Ratelimit({ redis, limiter, prefix: uniquePrefix('rl'), ephemeralCache: false })
      expect((await rl.limit('u')).success).toBe(true) // may pay NOSCRIPT + EVAL once
      bridge.resetCount()
      const results = [await rl.limit('u'), await rl.limit('u'), await rl.limit('u')]
      expect(results.map((r) => r.success)).toEqual([true, true, false])
      expect(bridge.commands).toBe(3)
    }
  })
})
