import { type AuthorizeStoreInput, type ConsumeItem, createManualClock, IdempotencyConflictError } from '@metered/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisStores } from '../src/index.js'
import { connect, FLAVOURS, type TestClient, uniquePrefix } from './helpers/clients.js'

// docs/semantics.md "One-step authorize": the idempotency key is looked up before the balance
// and the rules, so a retried authorize gets its original ticket even when a fresh call would
// now be refused, and consumes nothing.
const hourly: ConsumeItem = {
  key: 'a:a',
  name: 'hour',
  cost: 1,
  rule: { kind: 'fixed_window', limit: 1, windowMs: 3_600_000, refillAmount: 0 },
}

for (const flavour of FLAVOURS) {
  describe(`redis authorize replays first (${flavour})`, () => {
    let c: TestClient
    beforeAll(async () => {
      c = await connect(flavour)
    })
    afterAll(async () => {
      await c.close()
    })

    async function setup(balance: number) {
      const prefix = uniquePrefix('authrp')
      const clock = createManualClock()
      const stores = createRedisStores(c.client, { prefix, clock })
      await stores.ledger.grant({ account: 'a', amount: balance, source: 'p', idempotencyKey: `${prefix}g` })
      const input = (over: Partial<AuthorizeStoreInput>): AuthorizeStoreInput => ({
        account: 'a',
        amount: 100,
        ttl: '1 h',
        reason: 'chat',
        charge: true,
        idempotencyKey: `${prefix}K`,
        limits: { items: [hourly] },
        ...over,
      })
      const entryCount = async () => (await stores.ledger.history('a', { limit: 500 })).entries.length
      return { ...stores, input, entryCount }
    }

    it('a retried charge returns the original debit although the balance is now spent', async () => {
      const s = await setup(100)
      const first = await s.authorizer.authorize(s.input({}))
      expect(first).toMatchObject({ ok: true, holdId: null, available: 0, replayed: false })
      if (!first.ok) throw new Error('refused')
      expect(first.entryId).toEqual(expect.any(String))
      const entries = await s.entryCount()
      const again = await s.authorizer.authorize(s.input({}))
      expect(again).toMatchObject({ ok: true, holdId: null, entryId: first.entryId, available: 0, replayed: true })
      // the 1/hour rule as a dry run now: it would refuse a fresh call, and nothing was consumed
      expect(again.limits.allowed).toBe(false)
      expect(again.limits.rules[0]).toMatchObject({ allowed: false, remaining: 0 })
      expect(await s.entryCount()).toBe(entries)
      expect(await s.ledger.balance('a')).toMatchObject({ available: 0, held: 0 })
      const peek = await s.limiterStore.consume({ items: [hourly], dryRun: true })
      expect(peek.rules[0]).toMatchObject({ remaining: 0 })
    })

    it('a retried hold returns the original hold although the rule and the balance would refuse', async () => {
      const s = await setup(100)
      const first = await s.authorizer.authorize(s.input({ charge: false }))
      if (!first.ok) throw new Error('refused')
      expect(first).toMatchObject({ entryId: null, available: 0, replayed: false })
      const again = await s.authorizer.authorize(s.input({ charge: false }))
      expect(again).toMatchObject({ ok: true, holdId: first.holdId, entryId: null, available: 0, replayed: true })
      expect(await s.ledger.balance('a')).toMatchObject({ available: 0, held: 100 })
    })

    it('a retry that only the rule would refuse is still the original ticket', async () => {
      const s = await setup(1000)
      const first = await s.authorizer.authorize(s.input({}))
      if (!first.ok) throw new Error('refused')
      const again = await s.authorizer.authorize(s.input({}))
      expect(again).toMatchObject({ ok: true, entryId: first.entryId, available: 900, replayed: true })
      expect(await s.ledger.balance('a')).toMatchObject({ available: 900 })
    })

    it('a charge under the key of an uncharged hold is a conflict; a charge replays after its hold is forgotten', async () => {
      const s = await setup(1000)
      await s.authorizer.authorize(s.input({ charge: false, limits: { items: [] } }))
      await expect(s.authorizer.authorize(s.input({ limits: { items: [] } }))).rejects.toBeInstanceOf(
        IdempotencyConflictError,
      )
      expect(await s.ledger.balance('a')).toMatchObject({ available: 900, held: 100 })

      const prefix = uniquePrefix('authrp-forget')
      const forgetful = createRedisStores(c.client, { prefix, closedHoldsLimit: 1 })
      await forgetful.ledger.grant({ account: 'a', amount: 10, source: 'p', idempotencyKey: `${prefix}g` })
      const input = s.input({ amount: 1, idempotencyKey: `${prefix}K`, limits: { items: [] } })
      const first = await forgetful.authorizer.authorize(input)
      if (!first.ok) throw new Error('refused')
      // two more charges close two more holds: the first one's hold record is dropped
      for (const k of ['x', 'y']) await forgetful.authorizer.authorize({ ...input, idempotencyKey: `${prefix}${k}` })
      const original = await forgetful.ledger.reserve({
        account: 'a',
        amount: 1,
        ttl: '1 h',
        reason: 'chat',
        idempotencyKey: input.idempotencyKey!,
      })
      if (!original.ok) throw new Error('no replay')
      expect(original.replayed).toBe(true)
      expect(await forgetful.ledger.settle({ holdId: original.hold.id, amount: 1 })).toEqual({
        ok: false,
        reason: 'hold_not_found',
      })
      expect(await forgetful.authorizer.authorize(input)).toMatchObject({
        ok: true,
        entryId: first.entryId,
        available: 9,
        replayed: true,
      })
    })

    it('another call under the same key is a conflict, even when it would be refused', async () => {
      const s = await setup(100)
      await s.authorizer.authorize(s.input({}))
      await expect(s.authorizer.authorize(s.input({ amount: 5000 }))).rejects.toBeInstanceOf(IdempotencyConflictError)
      await expect(s.authorizer.authorize(s.input({ amount: 1 }))).rejects.toBeInstanceOf(IdempotencyConflictError)
      expect(await s.ledger.balance('a')).toMatchObject({ available: 0, held: 0 })
    })
  })
}
