import { createLimiter, fixedWindow, tokenBucket } from '@metered/core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createRedisLimiterStore, createRedisStores } from '../src/index.js'
import { connect, type TestClient, uniquePrefix } from './helpers/clients.js'

// createRedisLimiterStore exists so an edge proxy can limit without bundling the ledger; it must
// count in the same keys as createRedisStores' limiterStore, or moving the proxy to it would
// silently start every IP's window from zero beside the routes' limiters.
let c: TestClient
beforeAll(async () => {
  c = await connect('upstash')
})
afterAll(() => c.close())

it('counts in the same keys as createRedisStores(...).limiterStore with the same prefix', async () => {
  const prefix = uniquePrefix('alone')
  const rules = { minute: fixedWindow({ limit: 3, window: '1 m' }) }
  const alone = createLimiter({ store: createRedisLimiterStore(c.client, { prefix }), rules })
  const full = createLimiter({ store: createRedisStores(c.client, { prefix }).limiterStore, rules })

  expect((await alone.limit('ip:192.0.2.1')).ok).toBe(true)
  expect((await full.limit('ip:192.0.2.1')).ok).toBe(true)
  expect((await alone.limit('ip:192.0.2.1')).ok).toBe(true)
  const fourth = await full.limit('ip:192.0.2.1')
  expect(fourth.ok).toBe(false)
  expect(fourth.remaining).toBe(0)
})

it('uses the default prefix and refuses the same bad prefixes as createRedisStores', async () => {
  const rules = { minute: tokenBucket({ capacity: 1, refillEvery: '1 h' }) }
  const key = `${uniquePrefix('default')}k`
  const alone = createLimiter({ store: createRedisLimiterStore(c.client), rules })
  const full = createLimiter({ store: createRedisStores(c.client).limiterStore, rules })
  expect((await alone.limit(key)).ok).toBe(true)
  expect((await full.limit(key)).ok).toBe(false)

  expect(() => createRedisLimiterStore(c.client, { prefix: 'a{b' })).toThrow()
  expect(() => createRedisStores(c.client, { prefix: 'a{b' })).toThrow()
})
