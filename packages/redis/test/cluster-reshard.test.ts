import { createLimiter, createMetered, StoreUnavailableError, tokenBucket } from '@metered/core'
import {
  clusterMasters,
  keySlot,
  migrateSlot,
  type RedisCluster,
  type SlotMigration,
  slotOwner,
  startRedisCluster,
  withRedis,
} from '@metered/tooling'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisStores, type RedisStoresOptions } from '../src/index.js'
import { accountKeys } from '../src/keys.js'
import { uniquePrefix } from './helpers/clients.js'
import { CLUSTER_FLAVOURS, type ClusterFlavour, connectCluster } from './helpers/cluster-clients.js'
import { rawReaders } from './helpers/raw-readers.js'

// A slot holding hot accounts moves from one master to another (as `redis-cli --cluster reshard`
// does it) while one-step authorizes and settles run against those accounts. While the slot
// migrates, a script whose keys are partly moved, or partly not created yet (a fresh idempotency
// record), is refused by Redis with TRYAGAIN before it runs; afterwards the old owner answers
// MOVED. The stores retry TRYAGAIN for a bounded time, the clients follow MOVED/ASK, and the
// ledger must come out exact: every charge a debit, once. docs/redis.md, "Moving slots".

const CALLS = 500
const HOT_ACCOUNTS = 4
const GRANT = 1_000_000
const WORKERS = 16

let cluster: RedisCluster
beforeAll(async () => {
  cluster = await startRedisCluster()
}, 180_000)
afterAll(async () => {
  await cluster?.destroy()
}, 60_000)

/** `count` account names whose keys all hash to one slot (the tag is the account). */
function accountsInOneSlot(tag: string, count: number): { slot: number; accounts: string[] } {
  const slotOf = (account: string) => keySlot(accountKeys('', account)[0]!)
  const first = `${tag}-0`
  const slot = slotOf(first)
  const accounts = [first]
  for (let i = 1; accounts.length < count; i++) if (slotOf(`${tag}-${i}`) === slot) accounts.push(`${tag}-${i}`)
  return { slot, accounts }
}

/** A small seeded generator (mulberry32), so a failing run can be replayed from its seed. */
function seededRandom(seed: number): (n: number) => number {
  let a = seed >>> 0
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n)
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function meteredOn(flavour: ClusterFlavour, options: RedisStoresOptions = {}) {
  const c = await connectCluster(flavour, cluster)
  const prefix = uniquePrefix('reshard')
  const stores = createRedisStores(c.client, { prefix, ...options })
  // every call admitted (a bucket of a million refilled hourly), but the rule states live in the
  // account's slot and move with it
  const limiter = createLimiter({
    store: stores.limiterStore,
    rules: { burst: tokenBucket({ capacity: 1_000_000, refillEvery: '1 h' }) },
    timeout: '60 s',
  })
  const metered = createMetered({ ...stores, limiter })
  return { c, prefix, stores, metered }
}

for (const flavour of CLUSTER_FLAVOURS) {
  describe(`moving a hot slot on Redis Cluster (${flavour})`, () => {
    it(`loses and doubles nothing while ${CALLS} authorizes and settles run`, async () => {
      const seed = Number(process.env.RESHARD_SEED ?? Date.now() % 1_000_000)
      console.log(`reshard (${flavour}) seed ${seed} (RESHARD_SEED=${seed} replays it)`)
      const random = seededRandom(seed)
      const { c, prefix, stores, metered } = await meteredOn(flavour)
      try {
        const { slot, accounts } = accountsInOneSlot(prefix.replace(/[^a-z0-9]/g, ''), HOT_ACCOUNTS)
        const from = await slotOwner(cluster, slot)
        for (const account of accounts) {
          await stores.ledger.grant({ account, amount: GRANT, source: 'purchase', idempotencyKey: 'g' })
        }

        const charged = new Map(accounts.map((a) => [a, 0]))
        const failures: unknown[] = []
        let done = 0
        let duringMigration = 0
        let migrating = false
        let migrated: SlotMigration | undefined
        let startMigration!: () => void
        const migrationStarts = new Promise<void>((resolve) => {
          startMigration = resolve
        })
        const migration = migrationStarts.then(async () => {
          migrating = true
          // a pause after every batch lets calls run against a half-moved slot
          migrated = await migrateSlot(cluster, {
            slot,
            batch: 10,
            afterBatch: async () => {
              await sleep(10)
            },
          })
          migrating = false
        })

        const oneCall = async (i: number) => {
          const account = accounts[i % accounts.length]!
          const keyed = i % 3 === 0 ? { idempotencyKey: `call-${i}` } : {}
          const fixed = i % 2 === 0
          const auth = await metered.authorize(
            fixed
              ? { account, feature: 'chat', price: 1 + random(20), ...keyed }
              : { account, feature: 'chat', estimate: 10 + random(20), ...keyed },
          )
          if (!auth.ok) throw new Error(`call ${i} refused: ${auth.reason}`)
          const settled = await auth.ticket.settle(fixed ? {} : { units: random(auth.ticket.amount + 1) })
          if (fixed) expect(settled.charged).toBe(auth.ticket.amount)
          charged.set(account, charged.get(account)! + settled.charged)
        }

        let next = 0
        const worker = async () => {
          for (;;) {
            const i = next++
            if (i >= CALLS) return
            // the last fifth starts once the slot has moved: every one of them meets MOVED first
            if (i >= CALLS * 0.8) await migration
            try {
              await oneCall(i)
            } catch (error) {
              failures.push(error)
            }
            done += 1
            if (migrating) duringMigration += 1
            if (done === CALLS / 5) startMigration()
          }
        }
        await Promise.all(Array.from({ length: WORKERS }, worker))
        await migration

        expect(failures).toEqual([])
        expect(done).toBe(CALLS)
        const to = await slotOwner(cluster, slot)
        expect(to.id).not.toBe(from.id)
        expect(migrated!.to.id).toBe(to.id)
        expect(migrated!.keys).toBeGreaterThan(accounts.length)
        const countIn = (url: string) =>
          withRedis(url, (r) => r.sendCommand(['CLUSTER', 'COUNTKEYSINSLOT', slot.toString()]))
        expect(await countIn(from.url)).toBe(0)
        expect(await countIn(to.url)).toBeGreaterThanOrEqual(migrated!.keys)
        console.log(
          `reshard (${flavour}): ${migrated!.keys} keys in ${migrated!.batches} batches; ${duringMigration} calls completed during the migration`,
        )
        expect(duringMigration, 'calls ran while the slot was half moved').toBeGreaterThan(0)

        const raw = rawReaders(c.client, prefix)
        for (const account of accounts) {
          const spent = charged.get(account)!
          expect(spent).toBeGreaterThan(0)
          expect(await stores.ledger.balance(account)).toMatchObject({ available: GRANT - spent, held: 0 })
          const debits = (await raw.entries(account)).filter((e) => e.type === 'debit')
          expect(
            debits.reduce((sum, e) => sum - e.amount, 0),
            `${account}: debits = charges`,
          ).toBe(spent)
          const verify = await stores.ledger.verify(account)
          expect(verify.ok, JSON.stringify(verify)).toBe(true)
        }
      } finally {
        await c.close()
      }
    }, 300_000)
  })

  describe(`TRYAGAIN while a slot migrates (${flavour})`, () => {
    /** Marks `slot` as migrating from its owner to another master without moving a key; `stable()` undoes it. */
    async function holdMigrating(slot: number) {
      const masters = await clusterMasters(cluster)
      const from = masters.find((m) => m.ranges.some(([a, b]) => slot >= a && slot <= b))!
      const to = masters.find((m) => m !== from)!
      const s = slot.toString()
      await withRedis(to.url, (r) => r.sendCommand(['CLUSTER', 'SETSLOT', s, 'IMPORTING', from.id]))
      await withRedis(from.url, (r) => r.sendCommand(['CLUSTER', 'SETSLOT', s, 'MIGRATING', to.id]))
      return {
        stable: async () => {
          for (const m of [from, to]) await withRedis(m.url, (r) => r.sendCommand(['CLUSTER', 'SETSLOT', s, 'STABLE']))
        },
        finish: () => migrateSlot(cluster, { slot, to }),
      }
    }

    it('waits out TRYAGAIN and runs the call once the slot has moved', async () => {
      const { c, prefix, stores, metered } = await meteredOn(flavour)
      try {
        const { slot, accounts } = accountsInOneSlot(`${prefix.replace(/[^a-z0-9]/g, '')}w`, 1)
        const account = accounts[0]!
        await stores.ledger.grant({ account, amount: 100, source: 'purchase', idempotencyKey: 'g' })
        const migration = await holdMigrating(slot)
        // the account's keys exist on the source, the fresh key's record does not: TRYAGAIN
        const call = metered.authorize({ account, feature: 'chat', price: 7, idempotencyKey: 'k1' })
        let settledEarly = false
        void call.then(() => {
          settledEarly = true
        })
        // longer than ioredis' own TRYAGAIN retries (16 redirections, 100 ms apart)
        await sleep(2500)
        expect(settledEarly, 'the call waits while the slot is half moved').toBe(false)
        await migration.finish()
        const result = await call
        expect(result).toMatchObject({ ok: true, available: 93 })
        expect(await stores.ledger.balance(account)).toMatchObject({ available: 93, held: 0 })
        const replay = await metered.authorize({ account, feature: 'chat', price: 7, idempotencyKey: 'k1' })
        expect(replay).toMatchObject({ ok: true, available: 93 })
        expect((await stores.ledger.verify(account)).ok).toBe(true)
      } finally {
        await c.close()
      }
    }, 120_000)

    it('reports a TRYAGAIN that outlasts tryAgainTimeoutMs and changes nothing', async () => {
      const { c, prefix, stores, metered } = await meteredOn(flavour, { tryAgainTimeoutMs: 300 })
      try {
        const { slot, accounts } = accountsInOneSlot(`${prefix.replace(/[^a-z0-9]/g, '')}t`, 1)
        const account = accounts[0]!
        await stores.ledger.grant({ account, amount: 100, source: 'purchase', idempotencyKey: 'g' })
        const migration = await holdMigrating(slot)
        let failure: unknown
        try {
          await metered.authorize({ account, feature: 'chat', price: 7, idempotencyKey: 'k1' })
        } catch (error) {
          failure = error
        } finally {
          await migration.stable()
        }
        expect(failure).toBeInstanceOf(StoreUnavailableError)
        // node-redis passes TRYAGAIN on; ioredis retries it itself and then reports its
        // redirection limit, whose last error is a TRYAGAIN or the MOVED of a retry it sent elsewhere
        expect(String((failure as Error).message)).toMatch(/TRYAGAIN|Too many Cluster redirections/)
        expect(await stores.ledger.balance(account)).toMatchObject({ available: 100, held: 0 })
        // the key was never stored: the same call is fresh, and charges once
        const again = await metered.authorize({ account, feature: 'chat', price: 7, idempotencyKey: 'k1' })
        expect(again).toMatchObject({ ok: true, available: 93 })
        expect((await stores.ledger.verify(account)).ok).toBe(true)
      } finally {
        await c.close()
      }
    }, 120_000)
  })
}
