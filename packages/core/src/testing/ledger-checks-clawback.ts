import { expect } from 'vitest'
import type { Ledger } from '../ledger/types.js'
import { expectSound, grant, type LedgerCheck, okResult, uid } from './ledger-check-kit.js'

// docs/semantics.md, "Returning held units" and revoke: a partial revoke that lands while the
// grant's units are held records `pending` units of clawback, taken back when the hold returns
// them, however it closes. Units a settle consumed were spent and stay spent.

async function reserve(ledger: Ledger, account: string, amount: number, ttl = 60_000): Promise<string> {
  return okResult(await ledger.reserve({ account, amount, ttl, reason: 'stream' }), 'reserve').hold.id
}

async function clawbackEntries(ledger: Ledger, account: string) {
  const page = await ledger.history(account, { types: ['revoke'], limit: 500 })
  return page.entries
    .filter((e) => e.reason === 'clawback')
    .map((e) => ({ amount: e.amount, grantId: e.grantId, holdId: e.holdId }))
}

/** The attack: buy 1,000, hold all 1,000, refund 100% as a partial revoke, release: 0 is left. */
export const refundWhileHeld: LedgerCheck = async ({ harness }) => {
  const { ledger } = harness
  const account = uid('clawback')
  const grantKey = uid('grant')
  const g = await ledger.grant({ account, amount: 1000, source: 'purchase', idempotencyKey: grantKey })
  const hold = await reserve(ledger, account, 1000)
  const refundKey = uid('refund')
  const refund = { account, grantIdempotencyKey: grantKey, amount: 1000, reason: 'refund', idempotencyKey: refundKey }
  const revoked = okResult(await ledger.revoke(refund), 'revoke')
  expect(revoked, 'a refund of held units is pending, not lost').toMatchObject({
    revoked: 0,
    pending: 1000,
    entryId: null,
    available: 0,
    grantId: g.grantId,
    replayed: false,
  })
  expect(await ledger.release({ holdId: hold }), 'release after a refund of held units').toMatchObject({
    ok: true,
    released: 0,
    forfeited: 1000,
    available: 0,
  })
  expect(await ledger.balance(account), 'the refund took the held units back').toMatchObject({
    available: 0,
    held: 0,
    grants: [],
  })
  expect(await clawbackEntries(ledger, account)).toEqual([{ amount: -1000, grantId: g.grantId, holdId: hold }])
  // The revoke replays with the pending it reported, even now that the hold is closed.
  expect(await ledger.revoke(refund)).toEqual({ ...revoked, replayed: true })
  expect((await ledger.balance(account)).available).toBe(0)
  await expectSound(harness, account)
}

/** 30% refunded while held, then a settle below the hold: the clawback comes out of the unused part. */
export const refundThenSettleBelow: LedgerCheck = async ({ harness }) => {
  const { ledger } = harness
  // The unused part covers the clawback: the rest goes back.
  const a = uid('clawback')
  const ga = await grant(ledger, a, 100)
  const ha = await reserve(ledger, a, 100)
  expect(await ledger.revoke({ account: a, grantId: ga.grantId, amount: 30, reason: 'refund' })).toMatchObject({
    ok: true,
    revoked: 0,
    pending: 30,
    available: 0,
  })
  expect(await ledger.settle({ holdId: ha, amount: 50 }), 'settle 50 of 100 with 30 pending').toMatchObject({
    ok: true,
    charged: 50,
    released: 20,
    forfeited: 30,
    shortfall: 0,
    available: 20,
  })
  expect(await ledger.balance(a)).toMatchObject({ available: 20, held: 0 })
  expect(await clawbackEntries(ledger, a)).toEqual([{ amount: -30, grantId: ga.grantId, holdId: ha }])
  await expectSound(harness, a)

  // The unused part is smaller than the clawback: what was used stays spent, the rest is clawed.
  const b = uid('clawback')
  const gb = await grant(ledger, b, 100)
  const hb = await reserve(ledger, b, 100)
  okResult(await ledger.revoke({ account: b, grantId: gb.grantId, amount: 30, reason: 'refund' }), 'revoke')
  expect(await ledger.settle({ holdId: hb, amount: 80 }), 'settle 80 of 100 with 30 pending').toMatchObject({
    ok: true,
    charged: 80,
    released: 0,
    forfeited: 20,
    available: 0,
  })
  // The 10 still pending have nothing left to take: later grants are not touched.
  await grant(ledger, b, 40)
  const hb2 = await reserve(ledger, b, 40)
  expect(await ledger.release({ holdId: hb2 }), 'another grant owes no clawback').toMatchObject({
    released: 40,
    forfeited: 0,
    available: 40,
  })
  expect((await ledger.balance(b)).available).toBe(40)
  await expectSound(harness, b)
}

/** The hold expires instead of being released: housekeeping claws back just the same. */
export const refundThenHoldExpires: LedgerCheck = async ({ harness, clock }) => {
  const { ledger } = harness
  const account = uid('clawback')
  const g = await grant(ledger, account, 100)
  const hold = await reserve(ledger, account, 100, 1000)
  expect(await ledger.revoke({ account, grantId: g.grantId, amount: 100, reason: 'refund' })).toMatchObject({
    revoked: 0,
    pending: 100,
  })
  clock.advance(1000)
  expect(await ledger.balance(account), 'the expired hold returned its units to the clawback').toMatchObject({
    available: 0,
    held: 0,
  })
  expect(await clawbackEntries(ledger, account)).toEqual([{ amount: -100, grantId: g.grantId, holdId: hold }])
  expect(await ledger.settle({ holdId: hold, amount: 10 }), 'settle after expiry').toMatchObject({
    ok: true,
    charged: 0,
    shortfall: 10,
    holdExpired: true,
    available: 0,
  })
  await expectSound(harness, account)
}

/** Two holds, refunds that add up, a hold spanning two grants, units partly free, partly held. */
export const refundAcrossHolds: LedgerCheck = async ({ harness }) => {
  const { ledger } = harness
  // Two holds of one grant: the clawback is taken from whichever returns first, then the next.
  const a = uid('clawback')
  const ga = await grant(ledger, a, 100)
  const h1 = await reserve(ledger, a, 60)
  const h2 = await reserve(ledger, a, 40)
  expect(await ledger.revoke({ account: a, grantId: ga.grantId, amount: 70, reason: 'refund' })).toMatchObject({
    revoked: 0,
    pending: 70,
  })
  expect(await ledger.release({ holdId: h1 })).toMatchObject({ released: 0, forfeited: 60, available: 0 })
  expect(await ledger.release({ holdId: h2 })).toMatchObject({ released: 30, forfeited: 10, available: 30 })
  await expectSound(harness, a)

  // Free units are revoked now, held ones are pending.
  const b = uid('clawback')
  const gb = await grant(ledger, b, 100)
  okResult(await ledger.debit({ account: b, amount: 20, reason: 'x' }), 'debit')
  const hb = await reserve(ledger, b, 50)
  expect(await ledger.revoke({ account: b, grantId: gb.grantId, amount: 70, reason: 'refund' })).toMatchObject({
    revoked: 30,
    pending: 40,
    available: 0,
  })
  expect(await ledger.release({ holdId: hb })).toMatchObject({ released: 10, forfeited: 40, available: 10 })
  await expectSound(harness, b)

  // Successive refunds never claw back more than is held: pending stops at the held units.
  const c = uid('clawback')
  const gc = await grant(ledger, c, 100)
  const hc = await reserve(ledger, c, 100)
  const pendings: number[] = []
  for (const amount of [30, 30, 50, 10]) {
    const r = okResult(await ledger.revoke({ account: c, grantId: gc.grantId, amount, reason: 'refund' }), 'revoke')
    expect(r.revoked).toBe(0)
    pendings.push(r.pending)
  }
  expect(pendings, 'pending of successive refunds').toEqual([30, 30, 40, 0])
  expect(await ledger.release({ holdId: hc })).toMatchObject({ released: 0, forfeited: 100, available: 0 })
  await expectSound(harness, c)

  // A hold spanning two grants: only the refunded grant's units are clawed back.
  const d = uid('clawback')
  const first = await grant(ledger, d, 50, { priority: 1 })
  await grant(ledger, d, 50)
  const hd = await reserve(ledger, d, 80)
  expect(await ledger.revoke({ account: d, grantId: first.grantId, amount: 50, reason: 'refund' })).toMatchObject({
    revoked: 0,
    pending: 50,
    available: 20,
  })
  expect(await ledger.release({ holdId: hd })).toMatchObject({ released: 30, forfeited: 50, available: 50 })
  expect(await clawbackEntries(ledger, d)).toEqual([{ amount: -50, grantId: first.grantId, holdId: hd }])
  await expectSound(harness, d)
}

/** A dispute (full revoke) while held: the held units are pending and forfeited when returned. */
export const disputeWhileHeld: LedgerCheck = async ({ harness }) => {
  const { ledger } = harness
  const a = uid('dispute')
  const ga = await grant(ledger, a, 100)
  const ha = await reserve(ledger, a, 40)
  expect(await ledger.revoke({ account: a, grantId: ga.grantId, reason: 'dispute' })).toMatchObject({
    revoked: 60,
    pending: 40,
    available: 0,
  })
  expect(await ledger.settle({ holdId: ha, amount: 10 })).toMatchObject({
    charged: 10,
    released: 0,
    forfeited: 30,
    available: 0,
  })
  await expectSound(harness, a)

  // A refund of 50% then a dispute of the rest, all held: everything is gone once returned.
  const b = uid('dispute')
  const gb = await grant(ledger, b, 100)
  const hb = await reserve(ledger, b, 100)
  expect(await ledger.revoke({ account: b, grantId: gb.grantId, amount: 50, reason: 'refund' })).toMatchObject({
    pending: 50,
  })
  expect(await ledger.revoke({ account: b, grantId: gb.grantId, reason: 'dispute' })).toMatchObject({
    revoked: 0,
    pending: 100,
  })
  expect(await ledger.release({ holdId: hb })).toMatchObject({ released: 0, forfeited: 100, available: 0 })
  expect(await ledger.balance(b)).toMatchObject({ available: 0, held: 0 })
  await expectSound(harness, b)
}

/** Units a settle consumed are spent: a refund pending on them takes nothing from anyone. */
export const spentStaysSpent: LedgerCheck = async ({ harness }) => {
  const { ledger } = harness
  const account = uid('clawback')
  const g = await grant(ledger, account, 100)
  const hold = await reserve(ledger, account, 100)
  expect(await ledger.revoke({ account, grantId: g.grantId, amount: 100, reason: 'refund' })).toMatchObject({
    pending: 100,
  })
  expect(await ledger.settle({ holdId: hold, amount: 100 })).toMatchObject({
    charged: 100,
    released: 0,
    forfeited: 0,
    available: 0,
  })
  // Above the hold: the extra comes from another grant as usual.
  await grant(ledger, account, 30)
  const h2 = await reserve(ledger, account, 10)
  expect(await ledger.settle({ holdId: h2, amount: 15 })).toMatchObject({ charged: 15, forfeited: 0, available: 15 })
  expect(await clawbackEntries(ledger, account)).toEqual([])
  const debits = await ledger.history(account, { types: ['debit'] })
  expect(debits.entries.map((e) => e.amount)).toEqual([-15, -100])
  await expectSound(harness, account)
}
