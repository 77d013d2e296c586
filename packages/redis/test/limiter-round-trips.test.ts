import { createLimiter, createMetered, fixedWindow, slidingWindow, tokenBucket } from '@metered/core'
import { type RedisServer, spawnRedisServer, withRedis } from '@metered/tooling'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisStores } from '../src/index.js'
import { connect, FLAVOURS, type TestClient, uniquePrefix } from './helpers/clients.js'
import { type CommandMonitor, monitorCommands } from './helpers/monitor.js'

const eight = Object.fromEntries(
  Array.from({ length: 8 }, (_, i) => [`r${i}`, fixedWindow({ limit: 1000 + i, window: '1 h' })]),
)

for (const flavour of FLAVOURS) {
  describe(`round trips (${flavour})`, () => {
    // A server of its own: MONITOR sees every client, and other test files run in parallel.
    let server: RedisServer
    let c: TestClient
    let monitor: CommandMonitor
    beforeAll(async () => {
      server = await spawnRedisServer()
      c = await connect(flavour, server.url)
      monitor = await monitorCommands(server.url)
    })
    afterAll(async () => {
      monitor.close()
      await c.close()
      await server.destroy()
    })

    /** Top-level commands `fn` sends: at the bridge for REST, with MONITOR for TCP clients. */
    async function commandsOf(fn: () => Promise<unknown>): Promise<number> {
      await monitor.settle()
      monitor.reset()
      c.bridge?.resetCount()
      await fn()
      await monitor.settle()
      if (c.bridge) {
        // the bridge's own TCP link sends exactly what it received
        expect(monitor.count).toBe(c.bridge.commands)
        return c.bridge.commands
      }
      return monitor.count
    }

    for (const n of [1, 3, 8]) {
      it(`limit() with ${n} rule(s) is one command`, async () => {
        const { limiterStore } = createRedisStores(c.client, { prefix: uniquePrefix('rt') })
        const rules = Object.fromEntries(Object.entries(eight).slice(0, n))
        const limiter = createLimiter({ store: limiterStore, rules })
        await limiter.limit('warm-up') // the first call after a SCRIPT FLUSH may need EVAL too
        for (let i = 0; i < 5; i++) {
          expect(await commandsOf(() => limiter.limit(`user:${i}`))).toBe(1)
        }
      })
    }

    it('every ledger operation is one command (revoke by grant key: two)', async () => {
      const { ledger } = createRedisStores(c.client, { prefix: uniquePrefix('rt') })
      // load every script once (the first call of each after a SCRIPT FLUSH pays an EVAL)
      await ledger.grant({ account: 'warm', amount: 9, source: 's', idempotencyKey: 'warm' })
      await ledger.debit({ account: 'warm', amount: 1, reason: 'r' })
      const warm = await ledger.reserve({ account: 'warm', amount: 2, ttl: '1 m' })
      const warm2 = await ledger.reserve({ account: 'warm', amount: 2, ttl: '1 m' })
      if (!warm.ok || !warm2.ok) throw new Error('warm-up reserve refused')
      await ledger.settle({ holdId: warm.hold.id, amount: 1 })
      await ledger.release({ holdId: warm2.hold.id })
      await ledger.revoke({ account: 'warm', grantIdempotencyKey: 'warm', amount: 1, reason: 'r' })
      await Promise.all([ledger.balance('warm'), ledger.history('warm'), ledger.verify('warm')])
      expect(
        await commandsOf(() => ledger.grant({ account: 'a', amount: 50, source: 'buy', idempotencyKey: 'g1' })),
      ).toBe(1)
      expect(await commandsOf(() => ledger.debit({ account: 'a', amount: 5, reason: 'chat' }))).toBe(1)
      let holdId = ''
      expect(
        await commandsOf(async () => {
          const r = await ledger.reserve({ account: 'a', amount: 10, ttl: '1 m' })
          if (r.ok) holdId = r.hold.id
        }),
      ).toBe(1)
      expect(await commandsOf(() => ledger.settle({ holdId, amount: 4 }))).toBe(1)
      expect(await commandsOf(() => ledger.release({ holdId }))).toBe(1)
      expect(await commandsOf(() => ledger.balance('a'))).toBe(1)
      expect(await commandsOf(() => ledger.history('a'))).toBe(1)
      expect(await commandsOf(() => ledger.verify('a'))).toBe(1)
      expect(
        await commandsOf(() => ledger.revoke({ account: 'a', grantIdempotencyKey: 'g1', amount: 1, reason: 'refund' })),
      ).toBe(2)
    })

    it('authorize (3 rules + balance check + hold or debit) is one command', async () => {
      const { ledger, limiterStore, authorizer } = createRedisStores(c.client, { prefix: uniquePrefix('auth') })
      const limiter = createLimiter({
        store: limiterStore,
        rules: Object.fromEntries(Object.entries(eight).slice(0, 3)),
      })
      const metered = createMetered({ ledger, limiter, authorizer })
      await ledger.grant({ account: 'a', amount: 100, source: 'test', idempotencyKey: 'auth-grant' })
      await metered.authorize({ account: 'a', feature: 'warm', price: 1 }) // loads the script
      expect(await commandsOf(() => metered.authorize({ account: 'a', feature: 'chat', price: 2 }))).toBe(1)
      expect(await commandsOf(() => metered.authorize({ account: 'a', feature: 'chat', estimate: 5 }))).toBe(1)
      expect(await ledger.balance('a')).toMatchObject({ available: 92, held: 5 })
    })

    it('falls back to EVAL once when the server lost its scripts (NOSCRIPT)', async () => {
      const { limiterStore } = createRedisStores(c.client, { prefix: uniquePrefix('ns') })
      const limiter = createLimiter({ store: limiterStore, rules: { m: slidingWindow({ limit: 5, window: '1 m' }) } })
      await limiter.limit('k')
      await withRedis(server.url, (r) => r.scriptFlush())
      expect(await commandsOf(() => limiter.limit('k'))).toBe(2) // EVALSHA -> NOSCRIPT, EVAL
      expect(await commandsOf(() => limiter.limit('k'))).toBe(1)
      expect((await limiter.peek('k')).remaining).toBe(2)
    })
  })
}

describe('1,000 concurrent calls of a 3-rule limit', () => {
  for (const flavour of FLAVOURS) {
    it(`admit exactly the allowed number, all or nothing (${flavour})`, async () => {
      const c = await connect(flavour)
      try {
        // Redis TIME decides (no injected clock). The bucket binds: 137 tokens, one more per hour.
        const { limiterStore } = createRedisStores(c.client, { prefix: uniquePrefix('conc') })
        const rules = {
          burst: tokenBucket({ capacity: 137, refillEvery: '1 h' }),
          minute: slidingWindow({ limit: 500, window: '1 h' }),
          hour: fixedWindow({ limit: 400, window: '1 h' }),
        }
        const limiter = createLimiter({ store: limiterStore, rules, timeout: '30 s' })
        const results = await Promise.all(Array.from({ length: 1000 }, () => limiter.limit('user:1')))
        expect(results.filter((r) => r.reason === 'store_unavailable')).toHaveLength(0)
        expect(results.filter((r) => r.ok)).toHaveLength(137)
        const peek = await limiter.peek('user:1')
        const byName = Object.fromEntries(peek.rules.map((r) => [r.name, r.remaining]))
        // refused calls consumed nothing from the looser rules
        expect(byName.burst).toBe(0)
        expect(byName.hour === 400 - 137 || byName.hour === 400).toBe(true) // 400 only if an hour boundary passed
      } finally {
        await c.close()
      }
    })
  }
})
