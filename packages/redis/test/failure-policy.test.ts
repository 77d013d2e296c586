import {
  createLimiter,
  createMemoryLimiterStore,
  type LimiterStore,
  StoreUnavailableError,
  slidingWindow,
  tokenBucket,
} from '@metered/core'
import { type RedisServer, spawnRedisServer } from '@metered/tooling'
import { Redis as IoRedis } from 'ioredis'
import { createClient } from 'redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisStores, fromIoredis, fromNodeRedis } from '../src/index.js'
import { connect, FLAVOURS, type TestClient, uniquePrefix } from './helpers/clients.js'

const rules = {
  burst: tokenBucket({ capacity: 5, refillEvery: '1 h' }),
  minute: slidingWindow({ limit: 100, window: '1 m' }),
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now()
  const value = await fn()
  return { value, ms: performance.now() - start }
}

async function until(check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('condition not met in time')
}

// Stops a dedicated redis-server mid-run (SIGKILL, like a crash) and checks every onStoreError
// policy, with a timeout that really returns while the client waits to reconnect.
for (const flavour of FLAVOURS) {
  describe(`store failure (${flavour}, default client settings)`, () => {
    let server: RedisServer
    let c: TestClient
    let store: LimiterStore
    beforeAll(async () => {
      server = await spawnRedisServer()
      c = await connect(flavour, server.url)
      store = createRedisStores(c.client, { prefix: uniquePrefix('fail') }).limiterStore
    })
    afterAll(async () => {
      await server.start().catch(() => {})
      await c.close().catch(() => {})
      await server.destroy()
    })

    it('applies deny, allow and fallback while Redis is down, and recovers when it is back', async () => {
      const deny = createLimiter({ store, rules, onStoreError: 'deny', timeout: '200 ms' })
      const allow = createLimiter({ store, rules, onStoreError: 'allow', timeout: '200 ms' })
      const memory = createMemoryLimiterStore()
      const fallback = createLimiter({ store, rules, onStoreError: { fallback: memory }, timeout: '200 ms' })

      // Up: a patient limiter loads the script first (a loaded machine can take over 200 ms for that)
      const patient = createLimiter({ store, rules, timeout: '10 s' })
      const up = await patient.limit('user:1')
      expect(up.ok).toBe(true)
      expect(up.reason).toBeUndefined()

      await server.stop('SIGKILL')

      const denied = await timed(() => deny.limit('user:1'))
      expect(denied.value.ok).toBe(false)
      expect(denied.value.reason).toBe('store_unavailable')
      expect(denied.ms).toBeLessThan(2_000)

      const allowed = await timed(() => allow.limit('user:1'))
      expect(allowed.value.ok).toBe(true)
      expect(allowed.value.reason).toBe('store_unavailable')
      expect(allowed.ms).toBeLessThan(2_000)

      // the fallback store decides, with its own state: 5 tokens, then refused
      const viaFallback = []
      for (let i = 0; i < 6; i++) viaFallback.push(await timed(() => fallback.limit('user:1')))
      expect(viaFallback.map((r) => r.value.ok)).toEqual([true, true, true, true, true, false])
      expect(viaFallback.every((r) => r.value.reason === 'store_unavailable')).toBe(true)
      expect(Math.max(...viaFallback.map((r) => r.ms))).toBeLessThan(2_000)

      await server.start()
      // the client reconnects by itself; the restarted server has no scripts (NOSCRIPT -> EVAL)
      // (on a loaded machine the reconnect backoff plus NOSCRIPT -> EVAL can outlast 200 ms for a
      // while, so poll with the patient limiter and give it time)
      await until(async () => (await patient.limit('user:2')).reason === undefined, 40_000)
      const denyBack = await deny.limit('user:3')
      expect(denyBack.reason).toBeUndefined()
      const back = await patient.limit('user:2')
      expect(back.ok).toBe(true)
      expect(back.reason).toBeUndefined()
    }, 90_000)
  })
}

describe('store methods throw StoreUnavailableError (fail-fast client settings)', () => {
  let server: RedisServer
  beforeAll(async () => {
    server = await spawnRedisServer()
  })
  afterAll(async () => {
    await server.destroy()
  })

  it('node-redis with disableOfflineQueue, ioredis with enableOfflineQueue: false', async () => {
    const nodeRedis = createClient({ url: server.url, disableOfflineQueue: true })
    nodeRedis.on('error', () => {})
    await nodeRedis.connect()
    const io = new IoRedis(server.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true })
    io.on('error', () => {})
    await io.connect()
    try {
      for (const client of [fromNodeRedis(nodeRedis), fromIoredis(io)]) {
        const { ledger } = createRedisStores(client, { prefix: uniquePrefix('ff') })
        await ledger.grant({ account: 'a', amount: 5, source: 'test', idempotencyKey: `k-${Math.random()}` })
        expect((await ledger.balance('a')).available).toBe(5)
      }
      await server.stop('SIGKILL')
      await new Promise((r) => setTimeout(r, 200)) // let the clients notice the closed socket
      for (const client of [fromNodeRedis(nodeRedis), fromIoredis(io)]) {
        const { ledger, limiterStore } = createRedisStores(client, { prefix: uniquePrefix('ff') })
        const debit = await timed(() => ledger.debit({ account: 'a', amount: 1, reason: 'x' }).catch((e: unknown) => e))
        expect(debit.value).toBeInstanceOf(StoreUnavailableError)
        expect((debit.value as StoreUnavailableError).code).toBe('store_unavailable')
        expect(debit.ms).toBeLessThan(2_000)
        const consume = await limiterStore
          .consume({ items: [{ key: 'k', name: 'm', rule: rules.minute, cost: 1 }] })
          .catch((e: unknown) => e)
        expect(consume).toBeInstanceOf(StoreUnavailableError)
      }
    } finally {
      await server.start()
      nodeRedis.destroy()
      io.disconnect()
    }
  }, 30_000)
})
