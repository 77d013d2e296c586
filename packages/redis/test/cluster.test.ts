import {
  createLimiter,
  createManualClock,
  createMetered,
  fixedWindow,
  StoreUnavailableError,
  slidingWindow,
  tokenBucket,
} from '@metered/core'
import {
  authorizerSuite,
  type LimiterCheckName,
  ledgerSuite,
  limiterCheckContext,
  limiterStoreChecks,
} from '@metered/core/testing'
import { type RedisCluster, startRedisCluster, withRedis } from '@metered/tooling'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisStores } from '../src/index.js'
import { accountKeys, idempotencyKey, limiterKey } from '../src/keys.js'
import type { TestClient } from './helpers/clients.js'
import { uniquePrefix } from './helpers/clients.js'
import { CLUSTER_FLAVOURS, connectCluster } from './helpers/cluster-clients.js'
import { rawReaders } from './helpers/raw-readers.js'

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

// The ledger and the one-step authorize on a cluster: every key of one call (the account's keys,
// its idempotency records, and the rule states of a limit keyed by the account) shares the tag
// `{<account>}`, so each call runs on one shard. Core's conformance suites, concurrent exactness
// checks included, through both cluster clients.
for (const flavour of CLUSTER_FLAVOURS) {
  ledgerSuite(
    `redis cluster (${flavour})`,
    async ({ clock }) => {
      const c = await connectCluster(flavour, cluster)
      const prefix = uniquePrefix('ledger')
      const { ledger } = createRedisStores(c.client, { prefix, clock })
      return { ledger, raw: rawReaders(c.client, prefix), close: c.close }
    },
    { chaosOps: 800 },
  )

  authorizerSuite(`redis cluster (${flavour})`, async ({ clock }) => {
    const c = await connectCluster(flavour, cluster)
    const stores = createRedisStores(c.client, { prefix: uniquePrefix('auth'), clock })
    return { ...stores, close: c.close }
  })

  describe(`one slot per call on Redis Cluster (${flavour})`, () => {
    let c: TestClient
    beforeAll(async () => {
      c = await connectCluster(flavour, cluster)
    })
    afterAll(() => c?.close())
    const slot = (key: string) => withRedis(cluster.urls[0]!, (r) => r.sendCommand(['CLUSTER', 'KEYSLOT', key]))

    it("keeps a keyed call's idempotency record in the account's slot", async () => {
      const prefix = uniquePrefix('ledger')
      const { ledger } = createRedisStores(c.client, { prefix })
      const g = await ledger.grant({ account: 'acct-2', amount: 100, source: 'purchase', idempotencyKey: 'grant-1' })
      expect(g).toMatchObject({ ok: true, replayed: false, available: 100 })
      const records = accountKeys(prefix, 'acct-2')
      const record = idempotencyKey(prefix, 'acct-2', 'grant-1')
      expect(await slot(record)).toBe(await slot(records[0]!))
      expect(await slot(record)).toBe(await slot(limiterKey(prefix, 'acct-2', 'day')))
      // the same key in another account: another slot, another grant
      const other = await ledger.grant({ account: 'acct-3', amount: 5, source: 'purchase', idempotencyKey: 'grant-1' })
      expect(other).toMatchObject({ ok: true, replayed: false, available: 5 })
      expect(
        await ledger.revoke({ account: 'acct-2', grantIdempotencyKey: 'grant-1', reason: 'refund' }),
      ).toMatchObject({ ok: true, revoked: 100, grantId: g.grantId })
      expect((await ledger.verify('acct-2')).ok).toBe(true)
    })

    it('runs a limit of several rules, and a one-step authorize limited by the account, in one call', async () => {
      const clock = createManualClock()
      const stores = createRedisStores(c.client, { prefix: uniquePrefix('multi'), clock })
      const limiter = createLimiter({
        store: stores.limiterStore,
        rules: {
          minute: slidingWindow({ limit: 5, window: '1 m' }),
          day: fixedWindow({ limit: 3, window: '1 d' }),
          burst: tokenBucket({ capacity: 10, refillEvery: '1 s' }),
        },
        onStoreError: 'allow',
        onError: (error) => errors.push(error),
        timeout: '30 s',
      })
      const errors: unknown[] = []
      const outcomes = []
      for (let i = 0; i < 4; i++) outcomes.push((await limiter.limit('user-7')).ok)
      expect(outcomes).toEqual([true, true, true, false])
      expect(errors).toEqual([])

      const account = uniquePrefix('acct')
      await stores.ledger.grant({ account, amount: 10, source: 'test', idempotencyKey: 'g' })
      const metered = createMetered({ ledger: stores.ledger, authorizer: stores.authorizer, limiter, clock })
      const results = []
      for (let i = 0; i < 4; i++) results.push(await metered.authorize({ account, feature: 'x', price: 2 }))
      expect(results.map((r) => r.ok)).toEqual([true, true, true, false])
      expect(results[3]).toMatchObject({ ok: false, reason: 'rate_limited' })
      expect(errors, 'no store error: every call ran in one slot').toEqual([])
      expect(await stores.ledger.balance(account)).toMatchObject({ available: 4, held: 0 })
    })

    it('refuses a one-step authorize whose limit key is in another slot, loudly, and changes nothing', async () => {
      const clock = createManualClock()
      const stores = createRedisStores(c.client, { prefix: uniquePrefix('cross'), clock })
      const errors: unknown[] = []
      const limiter = createLimiter({
        store: stores.limiterStore,
        rules: { day: fixedWindow({ limit: 3, window: '1 d' }) },
        onStoreError: 'allow',
        onError: (error) => errors.push(error),
      })
      const account = 'acct-cross'
      expect(await slot(limiterKey('', 'ip-1', 'day'))).not.toBe(await slot(accountKeys('', account)[0]!))
      await stores.ledger.grant({ account, amount: 10, source: 'test', idempotencyKey: 'g' })
      const metered = createMetered({ ledger: stores.ledger, authorizer: stores.authorizer, limiter, clock })
      const call = metered.authorize({ account, feature: 'x', price: 2, limitKey: 'ip-1' })
      // not admitted by the limiter's 'allow' policy: the one-step script never ran
      await expect(call).rejects.toThrow(/CROSSSLOT/)
      expect(await stores.ledger.balance(account)).toMatchObject({ available: 10, held: 0 })
    })
  })
}
