import { createManualClock, type Entry } from '@metered/core'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { backends, openPerTest } from './harness.js'

/** The fields of an entry that say what happened, for comparing histories. */
const what = (e: Entry) => ({ type: e.type, amount: e.amount, grantId: e.grantId, holdId: e.holdId, reason: e.reason })

// A refund (partial revoke) that lands while the refunded credits are held must still take them
// back when the hold returns them: docs/semantics.md, "Returning held units".
describe.each(backends)('postgres ($name): clawback of held units', (backend) => {
  const openFresh = openPerTest(backend)
  const start = async () => {
    const clock = createManualClock()
    const open = await openFresh({ clock })
    return { ...open.stores, clock, db: open.db, schema: open.schema }
  }

  it('a refund of held credits is taken when the hold is released', async () => {
    const { ledger } = await start()
    const g = await ledger.grant({ account: 'buyer', amount: 1000, source: 'purchase', idempotencyKey: 'cs_1' })
    const hold = await ledger.reserve({ account: 'buyer', amount: 1000, ttl: '10 m', reason: 'gen' })
    if (!hold.ok) throw new Error('reserve refused')
    const refund = await ledger.revoke({
      account: 'buyer',
      grantIdempotencyKey: 'cs_1',
      amount: 1000,
      reason: 'refund',
      idempotencyKey: 'refund:cs_1',
    })
    expect(refund).toMatchObject({ ok: true, revoked: 0, pending: 1000, entryId: null, available: 0 })
    expect(await ledger.release({ holdId: hold.hold.id })).toEqual({
      ok: true,
      released: 0,
      forfeited: 1000,
      available: 0,
      replayed: false,
    })
    expect(await ledger.balance('buyer')).toMatchObject({ available: 0, held: 0, grants: [] })
    const { entries } = await ledger.history('buyer')
    expect(entries.map(what)).toEqual([
      { type: 'revoke', amount: -1000, grantId: g.grantId, holdId: hold.hold.id, reason: 'clawback' },
      { type: 'grant', amount: 1000, grantId: g.grantId, holdId: null, reason: 'purchase' },
    ])
    expect(await ledger.verify('buyer')).toMatchObject({ ok: true, problems: [] })
    // The refund's retry replays, pending included.
    expect(
      await ledger.revoke({
        account: 'buyer',
        grantIdempotencyKey: 'cs_1',
        amount: 1000,
        reason: 'refund',
        idempotencyKey: 'refund:cs_1',
      }),
    ).toEqual({ ...refund, replayed: true })
  })

  it("settle pays the clawback from the hold's unused part; the part used stays spent", async () => {
    const { ledger } = await start()
    const g = await ledger.grant({ account: 'a', amount: 1000, source: 'purchase', idempotencyKey: 'g' })
    const hold = await ledger.reserve({ account: 'a', amount: 1000, ttl: '10 m', reason: 'gen' })
    if (!hold.ok) throw new Error('reserve refused')
    expect(await ledger.revoke({ account: 'a', grantId: g.grantId, amount: 700, reason: 'refund' })).toMatchObject({
      revoked: 0,
      pending: 700,
    })
    expect(await ledger.settle({ holdId: hold.hold.id, amount: 200 })).toMatchObject({
      ok: true,
      charged: 200,
      released: 100,
      forfeited: 700,
      shortfall: 0,
      available: 100,
    })
    const { entries } = await ledger.history('a', { types: ['revoke', 'debit'] })
    expect(entries.map(what)).toEqual([
      { type: 'debit', amount: -200, grantId: null, holdId: hold.hold.id, reason: 'gen' },
      { type: 'revoke', amount: -700, grantId: g.grantId, holdId: hold.hold.id, reason: 'clawback' },
    ])
    expect(await ledger.balance('a')).toMatchObject({ available: 100, held: 0 })
    expect((await ledger.verify('a')).ok).toBe(true)
  })

  it('a hold that expires pays the clawback in housekeeping, across several holds in order', async () => {
    const { ledger, clock } = await start()
    const g = await ledger.grant({ account: 'a', amount: 1000, source: 'purchase', idempotencyKey: 'g' })
    const h1 = await ledger.reserve({ account: 'a', amount: 300, ttl: '1 m' })
    const h2 = await ledger.reserve({ account: 'a', amount: 200, ttl: '1 m' })
    if (!h1.ok || !h2.ok) throw new Error('reserve refused')
    // 500 left: revoked now; 400 more are held, of which 350 become pending.
    expect(await ledger.revoke({ account: 'a', grantId: g.grantId, amount: 850, reason: 'refund' })).toMatchObject({
      revoked: 500,
      pending: 350,
      available: 0,
    })
    clock.advance(120_000)
    expect(await ledger.balance('a')).toMatchObject({ available: 150, held: 0 })
    const { entries } = await ledger.history('a', { types: ['revoke'] })
    expect(entries.map(what)).toEqual([
      { type: 'revoke', amount: -50, grantId: g.grantId, holdId: h2.hold.id, reason: 'clawback' },
      { type: 'revoke', amount: -300, grantId: g.grantId, holdId: h1.hold.id, reason: 'clawback' },
      { type: 'revoke', amount: -500, grantId: g.grantId, holdId: null, reason: 'refund' },
    ])
    expect((await ledger.verify('a')).ok).toBe(true)
  })

  it('pending never exceeds what is held beyond earlier clawbacks, and clawback is paid grant by grant', async () => {
    const { ledger } = await start()
    const first = await ledger.grant({ account: 'a', amount: 100, source: 'a', idempotencyKey: 'g1', priority: 1 })
    const second = await ledger.grant({ account: 'a', amount: 100, source: 'b', idempotencyKey: 'g2' })
    const hold = await ledger.reserve({ account: 'a', amount: 150, ttl: '10 m', reason: 'gen' })
    if (!hold.ok) throw new Error('reserve refused')
    expect(await ledger.revoke({ account: 'a', grantId: first.grantId, amount: 80, reason: 'r1' })).toMatchObject({
      revoked: 0,
      pending: 80,
    })
    // 100 held from the first grant, 80 of them already pending: only 20 more can be.
    expect(await ledger.revoke({ account: 'a', grantId: first.grantId, amount: 80, reason: 'r2' })).toMatchObject({
      revoked: 0,
      pending: 20,
    })
    expect(await ledger.revoke({ account: 'a', grantId: second.grantId, amount: 60, reason: 'r3' })).toMatchObject({
      revoked: 50,
      pending: 10,
    })
    expect(await ledger.release({ holdId: hold.hold.id })).toMatchObject({ released: 40, forfeited: 110 })
    const { entries } = await ledger.history('a', { types: ['revoke'], limit: 2 })
    // Returned last taken first: the second grant's units, then the first's.
    expect(entries.map(what)).toEqual([
      { type: 'revoke', amount: -100, grantId: first.grantId, holdId: hold.hold.id, reason: 'clawback' },
      { type: 'revoke', amount: -10, grantId: second.grantId, holdId: hold.hold.id, reason: 'clawback' },
    ])
    expect(await ledger.balance('a')).toMatchObject({ available: 40, held: 0 })
    expect((await ledger.verify('a')).ok).toBe(true)
  })

  it('a full revoke reports the held units as pending; they are forfeited when returned', async () => {
    const { ledger } = await start()
    const g = await ledger.grant({ account: 'a', amount: 100, source: 's', idempotencyKey: 'g' })
    const hold = await ledger.reserve({ account: 'a', amount: 30, ttl: '10 m', reason: 'gen' })
    if (!hold.ok) throw new Error('reserve refused')
    expect(await ledger.revoke({ account: 'a', grantId: g.grantId, reason: 'chargeback' })).toMatchObject({
      revoked: 70,
      pending: 30,
      available: 0,
    })
    expect(await ledger.release({ holdId: hold.hold.id })).toMatchObject({ released: 0, forfeited: 30 })
    const { entries } = await ledger.history('a', { limit: 1 })
    expect(entries.map(what)).toEqual([
      { type: 'expire', amount: -30, grantId: null, holdId: hold.hold.id, reason: 'gen' },
    ])
    // Not live any more: a second revoke takes nothing and has nothing pending.
    expect(await ledger.revoke({ account: 'a', grantId: g.grantId, amount: 5, reason: 'again' })).toMatchObject({
      revoked: 0,
      pending: 0,
    })
    expect((await ledger.verify('a')).ok).toBe(true)
  })

  it('a refund racing the holds that hold its credits takes back every unspent unit, in any order', async () => {
    const { ledger } = await start()
    const g = await ledger.grant({ account: 'a', amount: 1000, source: 'purchase', idempotencyKey: 'cs' })
    const holds: string[] = []
    for (let i = 0; i < 10; i++) {
      const h = await ledger.reserve({ account: 'a', amount: 100, ttl: '10 m', reason: 'gen' })
      if (!h.ok) throw new Error('reserve refused')
      holds.push(h.hold.id)
    }
    // Half the holds are released, half settle 30 of their 100: 150 spent, 850 to come back.
    const [refund, ...closes] = await Promise.all([
      ledger.revoke({ account: 'a', grantId: g.grantId, amount: 1000, reason: 'refund', idempotencyKey: 'refund' }),
      ...holds.map((holdId, i) => (i % 2 === 0 ? ledger.release({ holdId }) : ledger.settle({ holdId, amount: 30 }))),
    ])
    if (!refund?.ok) throw new Error('revoke refused')
    expect(closes.every((r) => r.ok)).toBe(true)
    expect(await ledger.balance('a')).toMatchObject({ available: 0, held: 0 })
    const revokes = (await ledger.history('a', { types: ['revoke'], limit: 100 })).entries
    expect(revokes.reduce((sum, e) => sum - e.amount, 0)).toBe(850)
    expect(refund.revoked + refund.pending).toBeGreaterThanOrEqual(850)
    expect(await ledger.verify('a')).toMatchObject({ ok: true, entriesSum: 0 })
  })

  it('verify reports a clawback left on a grant that still has units, and one below zero', async () => {
    const { ledger, db, schema } = await start()
    const g = await ledger.grant({ account: 'a', amount: 100, source: 's', idempotencyKey: 'g' })
    expect((await ledger.verify('a')).ok).toBe(true)
    const id = Number(g.grantId.slice(2))
    await sql`UPDATE ${sql.raw(`"${schema}"`)}.grants SET clawback = 5 WHERE id = ${id}`.execute(db)
    const v = await ledger.verify('a')
    expect(v.ok).toBe(false)
    expect(v.problems.join('\n')).toMatch(/clawback/)
    await expect(
      sql`UPDATE ${sql.raw(`"${schema}"`)}.grants SET clawback = -1 WHERE id = ${id}`.execute(db),
    ).rejects.toMatchObject({ code: '23514' })
  })
})
