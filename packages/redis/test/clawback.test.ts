import { createManualClock, type Ledger } from '@metered/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisStores } from '../src/index.js'
import { connect, FLAVOURS, type TestClient, uniquePrefix } from './helpers/clients.js'

// docs/semantics.md "Returning held units": a partial revoke that finds its units held claws
// them back when the hold returns them, however it closes (release, settle, expiry).
for (const flavour of FLAVOURS) {
  describe(`redis clawback of held units (${flavour})`, () => {
    let c: TestClient
    beforeAll(async () => {
      c = await connect(flavour)
    })
    afterAll(async () => {
      await c.close()
    })

    function setup() {
      const prefix = uniquePrefix('claw')
      const clock = createManualClock()
      const { ledger } = createRedisStores(c.client, { prefix, clock })
      return { ledger, clock, key: (k: string) => `${prefix}${k}` }
    }

    async function holdAll(ledger: Ledger, key: (k: string) => string, amount: number) {
      const g = await ledger.grant({ account: 'a', amount, source: 'purchase', idempotencyKey: key('g') })
      const r = await ledger.reserve({ account: 'a', amount, ttl: '1 h' })
      if (!r.ok) throw new Error('reserve refused')
      return { grantId: g.grantId, holdId: r.hold.id }
    }

    async function entries(ledger: Ledger) {
      return (await ledger.history('a', { limit: 500 })).entries.map((e) => ({
        type: e.type,
        amount: e.amount,
        grantId: e.grantId,
        holdId: e.holdId,
        reason: e.reason,
      }))
    }

    it('a refund by grant key while everything is held takes the units back on release', async () => {
      const { ledger, key } = setup()
      const { grantId, holdId } = await holdAll(ledger, key, 1000)
      const refund = {
        account: 'a',
        grantIdempotencyKey: key('g'),
        amount: 1000,
        reason: 'refund',
        idempotencyKey: key('r'),
      }
      const revoked = await ledger.revoke(refund)
      expect(revoked).toMatchObject({ ok: true, revoked: 0, pending: 1000, grantId, available: 0, replayed: false })
      expect(await ledger.revoke(refund)).toMatchObject({ revoked: 0, pending: 1000, replayed: true })
      expect(await ledger.release({ holdId })).toMatchObject({ ok: true, released: 0, forfeited: 1000, available: 0 })
      expect(await ledger.balance('a')).toMatchObject({ available: 0, held: 0, grants: [] })
      expect((await entries(ledger))[0]).toEqual({ type: 'revoke', amount: -1000, grantId, holdId, reason: 'clawback' })
      expect(await ledger.verify('a')).toMatchObject({ ok: true, entriesSum: 0, problems: [] })
      // nothing left to claw: a second hold of fresh credits comes back whole
      await ledger.grant({ account: 'a', amount: 50, source: 'purchase', idempotencyKey: key('g2') })
      const r = await ledger.reserve({ account: 'a', amount: 50, ttl: '1 h' })
      if (!r.ok) throw new Error('reserve refused')
      expect(await ledger.release({ holdId: r.hold.id })).toMatchObject({ released: 50, forfeited: 0, available: 50 })
    })

    it('settle: units used stay spent, the unused part pays the clawback first', async () => {
      const { ledger, key } = setup()
      const { grantId, holdId } = await holdAll(ledger, key, 1000)
      expect(await ledger.revoke({ account: 'a', grantId, amount: 600, reason: 'refund' })).toMatchObject({
        revoked: 0,
        pending: 600,
      })
      const settled = await ledger.settle({ holdId, amount: 300 })
      expect(settled).toMatchObject({ ok: true, charged: 300, released: 100, forfeited: 600, available: 100 })
      expect(await ledger.balance('a')).toMatchObject({
        available: 100,
        held: 0,
        grants: [{ id: grantId, remaining: 100 }],
      })
      const types = (await entries(ledger)).map((e) => [e.type, e.amount, e.reason])
      expect(types).toEqual([
        ['debit', -300, 'hold'],
        ['revoke', -600, 'clawback'],
        ['grant', 1000, 'purchase'],
      ])
      expect(await ledger.verify('a')).toMatchObject({ ok: true, entriesSum: 100 })
    })

    it('settle using more than the refund left: clawback is capped by what returns', async () => {
      const { ledger, key } = setup()
      const { grantId, holdId } = await holdAll(ledger, key, 1000)
      await ledger.revoke({ account: 'a', grantId, amount: 600, reason: 'refund' })
      expect(await ledger.settle({ holdId, amount: 900 })).toMatchObject({ charged: 900, released: 0, forfeited: 100 })
      expect(await ledger.balance('a')).toMatchObject({ available: 0, held: 0 })
      expect(await ledger.verify('a')).toMatchObject({ ok: true, entriesSum: 0 })
      // the 500 of clawback that found nothing to take stay owed but never drive anything negative
      await ledger.grant({ account: 'a', amount: 10, source: 'p', idempotencyKey: key('g2') })
      expect(await ledger.balance('a')).toMatchObject({ available: 10 })
    })

    it('a hold that expires pays the clawback in housekeeping', async () => {
      const { ledger, key, clock } = setup()
      const { grantId, holdId } = await holdAll(ledger, key, 1000)
      expect(await ledger.revoke({ account: 'a', grantId, amount: 400, reason: 'refund' })).toMatchObject({
        pending: 400,
      })
      clock.advance(3_600_001)
      expect(await ledger.balance('a')).toMatchObject({ available: 600, held: 0, grants: [{ remaining: 600 }] })
      expect((await entries(ledger))[0]).toEqual({ type: 'revoke', amount: -400, grantId, holdId, reason: 'clawback' })
      expect(await ledger.release({ holdId })).toMatchObject({ released: 0, forfeited: 0, replayed: true })
      expect(await ledger.verify('a')).toMatchObject({ ok: true, entriesSum: 600 })
    })

    it('takes what is left now and only the rest from the hold', async () => {
      const { ledger, key } = setup()
      const g = await ledger.grant({ account: 'a', amount: 1000, source: 'p', idempotencyKey: key('g') })
      const r = await ledger.reserve({ account: 'a', amount: 400, ttl: '1 h' })
      if (!r.ok) throw new Error('reserve refused')
      const revoked = await ledger.revoke({ account: 'a', grantId: g.grantId, amount: 700, reason: 'refund' })
      expect(revoked).toMatchObject({ revoked: 600, pending: 100, available: 0 })
      // a second refund cannot count the same held units twice
      expect(await ledger.revoke({ account: 'a', grantId: g.grantId, amount: 1000, reason: 'refund' })).toMatchObject({
        revoked: 0,
        pending: 300,
      })
      expect(await ledger.revoke({ account: 'a', grantId: g.grantId, amount: 1, reason: 'refund' })).toMatchObject({
        revoked: 0,
        pending: 0,
      })
      expect(await ledger.release({ holdId: r.hold.id })).toMatchObject({ released: 0, forfeited: 400, available: 0 })
      expect(await ledger.verify('a')).toMatchObject({ ok: true, entriesSum: 0 })
    })

    it('claws back per grant: one revoke entry for the refunded grant, the other grant gets its units', async () => {
      const { ledger, key } = setup()
      const a = await ledger.grant({ account: 'a', amount: 30, source: 'first', priority: 1, idempotencyKey: key('a') })
      const b = await ledger.grant({ account: 'a', amount: 70, source: 'second', idempotencyKey: key('b') })
      const r = await ledger.reserve({ account: 'a', amount: 100, ttl: '1 h' })
      if (!r.ok) throw new Error('reserve refused')
      expect(await ledger.revoke({ account: 'a', grantId: b.grantId, amount: 50, reason: 'refund' })).toMatchObject({
        pending: 50,
      })
      expect(await ledger.release({ holdId: r.hold.id })).toMatchObject({ released: 50, forfeited: 50, available: 50 })
      const balance = await ledger.balance('a')
      expect(balance.grants.map((g) => [g.id, g.remaining])).toEqual([
        [a.grantId, 30],
        [b.grantId, 20],
      ])
      const clawed = (await entries(ledger)).filter((e) => e.reason === 'clawback')
      expect(clawed).toEqual([
        { type: 'revoke', amount: -50, grantId: b.grantId, holdId: r.hold.id, reason: 'clawback' },
      ])
      expect(await ledger.verify('a')).toMatchObject({ ok: true, entriesSum: 50 })
    })

    it('a full revoke reports the held units as pending and forfeits them on return', async () => {
      const { ledger, key } = setup()
      const g = await ledger.grant({ account: 'a', amount: 100, source: 'p', idempotencyKey: key('g') })
      const r = await ledger.reserve({ account: 'a', amount: 40, ttl: '1 h' })
      if (!r.ok) throw new Error('reserve refused')
      expect(await ledger.revoke({ account: 'a', grantId: g.grantId, reason: 'fraud' })).toMatchObject({
        revoked: 60,
        pending: 40,
      })
      expect(await ledger.release({ holdId: r.hold.id })).toMatchObject({ released: 0, forfeited: 40, available: 0 })
      expect(await ledger.verify('a')).toMatchObject({ ok: true, entriesSum: 0 })
    })

    it('nothing pending when the grant has expired', async () => {
      const { ledger, key, clock } = setup()
      const g = await ledger.grant({
        account: 'a',
        amount: 100,
        source: 'p',
        idempotencyKey: key('g'),
        expiresAt: clock.now() + 1000,
      })
      await ledger.reserve({ account: 'a', amount: 40, ttl: '1 h' })
      clock.advance(1000)
      expect(await ledger.revoke({ account: 'a', grantId: g.grantId, amount: 100, reason: 'refund' })).toMatchObject({
        revoked: 0,
        pending: 0,
      })
    })
  })
}

describe('redis clawback with many open holds', () => {
  let c: TestClient
  beforeAll(async () => {
    c = await connect('ioredis')
  })
  afterAll(async () => {
    await c.close()
  })

  it('counts the held units of a grant across 1,201 open holds (read in slices)', async () => {
    const prefix = uniquePrefix('claw-many')
    const { ledger } = createRedisStores(c.client, { prefix })
    const g = await ledger.grant({ account: 'a', amount: 2000, source: 'p', idempotencyKey: `${prefix}g` })
    const holds = await Promise.all(
      Array.from({ length: 1201 }, () => ledger.reserve({ account: 'a', amount: 1, ttl: '1 h' })),
    )
    expect(holds.every((h) => h.ok)).toBe(true)
    expect(await ledger.revoke({ account: 'a', grantId: g.grantId, amount: 2000, reason: 'refund' })).toMatchObject({
      revoked: 799,
      pending: 1201,
      available: 0,
    })
    for (const h of holds.slice(0, 3)) {
      if (!h.ok) throw new Error('refused')
      expect(await ledger.release({ holdId: h.hold.id })).toMatchObject({ released: 0, forfeited: 1 })
    }
    expect(await ledger.verify('a')).toMatchObject({ ok: true, available: 0, held: 1198, entriesSum: 1198 })
  })
})
