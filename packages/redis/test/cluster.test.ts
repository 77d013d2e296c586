import { createManualClock, fixedWindow, StoreUnavailableError } from '@metered/core'
import { type LimiterCheckName, limiterCheckContext, limiterStoreChecks } from '@metered/core/testing'
import { type RedisCluster, startRedisCluster, withRedis } from '@metered/tooling'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisStores } from '../src/index.js'
import type { TestClient } from './helpers/clients.js'
import { uniquePrefix } from './helpers/clients.js'
import { CLUSTER_FLAVOURS, connectCluster } from './helpers/cluster-clients.js'

// The limiter store on a real six-node Redis Cluster (three masters, three replicas) through
// both cluster clients. Every key of one script call must hash to one slot, or the cluster
// refuses the call with CROSSSLOT. The cluster is started by this file alone.
//
// A limiter call whose items use different keys spans slots, so the conformance checks that
// make such calls cannot pass on a cluster; they are listed here and the refusal itself is
// pinned below (docs/redis.md, Redis Cluster).
const CROSS_KEY_CHECKS: ReadonlySet<LimiterCheckName> = new Set([
  'multiRuleAtomicity',
  'perItemKeys',
  'matchesMemoryModel',
])

let cluster: RedisCluster
beforeAll(async () => {
  cluster = await startRedisCluster()
}, 180_000)
afterAll(async () => {
  await cluster?.destroy()
}, 60_000)

for (const flavour of CLUSTER_FLAVOURS) {
  describe(`limiter store on Redis Cluster (${flavour})`, () => {
    const clock = createManualClock()
    let c: TestClient
    let prefix: string
    let ctx: ReturnType<typeof limiterCheckContext>
    beforeAll(async () => {
      c = await connectCluster(flavour, cluster)
      prefix = uniquePrefix('lim')
      ctx = limiterCheckContext(createRedisStores(c.client, { prefix, clock }).limiterStore, clock)
    })
    afterAll(() => c?.close())

    for (const [name, check] of Object.entries(limiterStoreChecks)) {
      if (CROSS_KEY_CHECKS.has(name as LimiterCheckName)) continue
      it(name, () => check(ctx), 120_000)
    }

    it('spreads keys over the masters (the hash tag is the limiter key, not one shared slot)', async () => {
      const rule = fixedWindow({ limit: 5, window: '1 h' })
      const keys = Array.from({ length: 32 }, (_, i) => `spread-${i}`)
      for (const key of keys) await ctx.store.consume({ items: [{ key, name: 'n', rule, cost: 1 }] })
      const masters = await Promise.all(
        cluster.urls.map((url) =>
          withRedis(url, async (r) => {
            const role = String(await r.sendCommand(['ROLE']).then((x) => (x as unknown as unknown[])[0]))
            return role === 'master' ? (await r.keys(`${prefix}rl:{spread-*`)).length : -1
          }),
        ),
      )
      const counts = masters.filter((n) => n >= 0)
      expect(counts).toHaveLength(3)
      expect(counts.reduce((a, b) => a + b, 0)).toBe(32)
      expect(counts.every((n) => n > 0)).toBe(true)
    })

    it('refuses a call whose items use different keys (CROSSSLOT) and changes nothing', async () => {
      const rule = fixedWindow({ limit: 3, window: '1 h' })
      // the store's prefix is unique to this run, so these fixed keys start empty
      const [a, b] = ['cross-a', 'cross-b']
      const slot = (key: string) =>
        withRedis(cluster.urls[0]!, (r) => r.sendCommand(['CLUSTER', 'KEYSLOT', `${prefix}rl:{${key}}:n`]))
      expect(await slot(a)).not.toBe(await slot(b))
      const call = ctx.store.consume({
        items: [
          { key: a, name: 'n', rule, cost: 1 },
          { key: b, name: 'n', rule, cost: 1 },
        ],
      })
      await expect(call).rejects.toBeInstanceOf(StoreUnavailableError)
      await expect(call).rejects.toThrow(/CROSSSLOT/)
      const peek = await ctx.store.consume({ items: [{ key: a, name: 'n', rule, cost: 0 }], dryRun: true })
      expect(peek.rules[0]?.remaining).toBe(3)
    })
  })
}

// The ledger's state on a cluster today (docs/redis.md, Redis Cluster): an account's keys share
// one slot, so calls without an idempotency key run; a keyed call (every grant is keyed) also
// touches the global idempotency record's slot and is refused before it changes anything.
for (const flavour of CLUSTER_FLAVOURS) {
  describe(`ledger on Redis Cluster (${flavour})`, () => {
    let c: TestClient
    beforeAll(async () => {
      c = await connectCluster(flavour, cluster)
    })
    afterAll(() => c?.close())

    it("runs keyless calls (debit, balance) in the account's one slot", async () => {
      const { ledger } = createRedisStores(c.client, { prefix: uniquePrefix('ledger') })
      const debit = await ledger.debit({ account: 'acct-1', amount: 30, reason: 'call' })
      expect(debit).toMatchObject({ ok: false })
      expect(await ledger.balance('acct-1')).toMatchObject({ available: 0, held: 0 })
    })

    it('refuses a keyed call whose idempotency record hashes to another slot, and changes nothing', async () => {
      const prefix = uniquePrefix('ledger')
      const { ledger } = createRedisStores(c.client, { prefix })
      const slot = (key: string) => withRedis(cluster.urls[0]!, (r) => r.sendCommand(['CLUSTER', 'KEYSLOT', key]))
      expect(await slot(`${prefix}{a:acct-2}:m`)).not.toBe(await slot(`${prefix}i:grant-1`))
      const call = ledger.grant({ account: 'acct-2', amount: 100, source: 'purchase', idempotencyKey: 'grant-1' })
      await expect(call).rejects.toBeInstanceOf(StoreUnavailableError)
      await expect(call).rejects.toThrow(/CROSSSLOT/)
      expect(await ledger.balance('acct-2')).toMatchObject({ available: 0, held: 0 })
    })
  })
}
