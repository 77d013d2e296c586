import { expect } from 'vitest'
import { entriesSum, expectCode, expectSound, grant, type LedgerCheck, okResult, uid } from './ledger-check-kit.js'

/** An expired hold returns its units; settling it later charges available credits instead. */
export const holdExpiry: LedgerCheck = async ({ harness, clock }) => {
  const { ledger } = harness
  const account = uid('hold-expiry')
  await grant(ledger, account, 100)
  const r = okResult(await ledger.reserve({ account, amount: 40, ttl: 1000 }), 'reserve')
  expect(r).toMatchObject({ available: 60, replayed: false })
  expect(r.hold, 'the hold as reserved').toMatchObject({
    account,
    amount: 40,
    reason: 'hold',
    expiresAt: clock.now() + 1000,
  })
  expect(r.hold.createdAt).toBe(clock.now())
  expect(await ledger.balance(account)).toMatchObject({ available: 60, held: 40 })
  clock.advance(999)
  expect(await ledger.balance(account)).toMatchObject({ available: 60, held: 40 })
  clock.advance(1)
  expect(await ledger.balance(account), 'balance once the hold expired').toMatchObject({ available: 100, held: 0 })
  await expectSound(harness, account)
  expect(await ledger.release({ holdId: r.hold.id })).toMatchObject({
    ok: true,
    released: 0,
    forfeited: 0,
    available: 100,
    replayed: true,
  })

  const late = okResult(await ledger.reserve({ account, amount: 30, ttl: '1 s', reason: 'stream' }), 'reserve')
  clock.advance(1000)
  const settled = okResult(await ledger.settle({ holdId: late.hold.id, amount: 30 }), 'settle expired')
  expect(settled).toMatchObject({
    charged: 30,
    released: 0,
    shortfall: 0,
    forfeited: 0,
    available: 70,
    holdExpired: true,
    replayed: false,
  })
  const debit = (await ledger.history(account, { types: ['debit'], limit: 1 })).entries[0]
  expect(debit).toMatchObject({ id: settled.entryId, amount: -30, holdId: late.hold.id, reason: 'stream' })
  expect(await ledger.settle({ holdId: late.hold.id, amount: 30 })).toEqual({ ...settled, replayed: true })

  // After expiry the balance may have been spent: the charge stops at zero and reports the rest.
  const spent = okResult(await ledger.reserve({ account, amount: 50, ttl: 500 }), 'reserve')
  clock.advance(500)
  okResult(await ledger.debit({ account, amount: 60, reason: 'x' }), 'debit')
  expect(await ledger.settle({ holdId: spent.hold.id, amount: 50 })).toMatchObject({
    ok: true,
    charged: 10,
    shortfall: 40,
    available: 0,
    holdExpired: true,
  })
  await expectSound(harness, account)
}

/** Settle below, equal to and above the hold, with and without enough balance, and settle 0. */
export const settleAmounts: LedgerCheck = async ({ harness }) => {
  const { ledger } = harness
  const account = uid('settle')
  await grant(ledger, account, 100)
  const reserve = async (amount: number, reason?: string) =>
    okResult(
      await ledger.reserve({ account, amount, ttl: '1 h', ...(reason === undefined ? {} : { reason }) }),
      `reserve ${amount}`,
    ).hold.id

  const below = okResult(await ledger.settle({ holdId: await reserve(40, 'generate'), amount: 25 }), 'below')
  expect(below).toMatchObject({ charged: 25, released: 15, shortfall: 0, forfeited: 0, available: 75 })
  expect(below).toMatchObject({ holdExpired: false, replayed: false })
  const entry = (await ledger.history(account, { limit: 1 })).entries[0]
  expect(entry).toMatchObject({ id: below.entryId, type: 'debit', amount: -25, reason: 'generate' })

  const equal = okResult(await ledger.settle({ holdId: await reserve(40), amount: 40 }), 'equal')
  expect(equal).toMatchObject({ charged: 40, released: 0, shortfall: 0, available: 35 })

  const above = okResult(await ledger.settle({ holdId: await reserve(20), amount: 30 }), 'above')
  expect(above, 'settle above the hold').toMatchObject({ charged: 30, released: 0, shortfall: 0, available: 5 })

  const short = okResult(await ledger.settle({ holdId: await reserve(5), amount: 20 }), 'shortfall')
  expect(short).toMatchObject({ charged: 5, released: 0, shortfall: 15, available: 0 })
  expect(await ledger.balance(account)).toMatchObject({ available: 0, held: 0 })

  await grant(ledger, account, 10)
  const partlyShort = await reserve(6)
  const zero = okResult(await ledger.settle({ holdId: await reserve(4), amount: 0 }), 'zero')
  expect(zero).toMatchObject({ charged: 0, released: 4, shortfall: 0, entryId: null, available: 4 })
  expect(await ledger.settle({ holdId: partlyShort, amount: 12 })).toMatchObject({
    charged: 10,
    shortfall: 2,
    available: 0,
  })
  expect(await entriesSum(harness.raw, account)).toBe(0)
  await expectSound(harness, account)

  // Settle charges the hold's allocations in the order they were taken; the rest goes back to
  // the grants it came from, so the order shows in the remainders.
  const split = uid('settle-split')
  await grant(ledger, split, 10, { source: 'first', priority: 1 })
  await grant(ledger, split, 10, { source: 'second' })
  const h = okResult(await ledger.reserve({ account: split, amount: 15, ttl: '1 h' }), 'reserve').hold
  expect(await ledger.settle({ holdId: h.id, amount: 12 })).toMatchObject({ charged: 12, released: 3 })
  const remainders = (await ledger.balance(split)).grants.map((g) => [g.source, g.remaining])
  expect(remainders, 'charged from the first allocation first').toEqual([['second', 8]])
  await expectSound(harness, split)
}

/** Replays, conflicts and closed holds across settle and release. */
export const holdLifecycle: LedgerCheck = async ({ harness }) => {
  const { ledger } = harness
  const account = uid('lifecycle')
  await grant(ledger, account, 100)
  const key = uid('reserve')
  const r1 = okResult(await ledger.reserve({ account, amount: 30, ttl: '1 h', idempotencyKey: key }), 'reserve')
  const r2 = okResult(await ledger.reserve({ account, amount: 30, ttl: '1 h', idempotencyKey: key }), 'reserve')
  expect(r2).toEqual({ ...r1, replayed: true })
  expect(await ledger.balance(account)).toMatchObject({ available: 70, held: 30 })

  const s1 = okResult(await ledger.settle({ holdId: r1.hold.id, amount: 10 }), 'settle')
  expect(s1).toMatchObject({ charged: 10, released: 20, available: 90, replayed: false })
  expect(await ledger.settle({ holdId: r1.hold.id, amount: 10 })).toEqual({ ...s1, replayed: true })
  await expectCode(ledger.settle({ holdId: r1.hold.id, amount: 11 }), 'idempotency_conflict')
  expect(await ledger.release({ holdId: r1.hold.id })).toEqual({ ok: false, reason: 'hold_closed' })

  const h = okResult(await ledger.reserve({ account, amount: 25, ttl: '1 h' }), 'reserve').hold
  expect(await ledger.release({ holdId: h.id })).toEqual({
    ok: true,
    released: 25,
    forfeited: 0,
    available: 90,
    replayed: false,
  })
  expect(await ledger.release({ holdId: h.id })).toEqual({
    ok: true,
    released: 0,
    forfeited: 0,
    available: 90,
    replayed: true,
  })
  expect(await ledger.settle({ holdId: h.id, amount: 1 })).toEqual({ ok: false, reason: 'hold_closed' })

  const missing = uid('no-such-hold')
  expect(await ledger.settle({ holdId: missing, amount: 1 })).toEqual({ ok: false, reason: 'hold_not_found' })
  expect(await ledger.release({ holdId: missing })).toEqual({ ok: false, reason: 'hold_not_found' })
  expect(await ledger.balance(account)).toMatchObject({ available: 90, held: 0 })
  expect(await entriesSum(harness.raw, account)).toBe(90)
  await expectSound(harness, account)
}

/** Units held from a grant that expires or is revoked meanwhile are lost when the hold returns them. */
export const forfeits: LedgerCheck = async ({ harness, clock }) => {
  const { ledger } = harness
  const account = uid('forfeit')
  await grant(ledger, account, 50, { expiresAt: clock.now() + 1000 })
  const h1 = okResult(await ledger.reserve({ account, amount: 30, ttl: '1 h' }), 'reserve').hold
  clock.advance(1000)
  expect(await ledger.balance(account)).toMatchObject({ available: 0, held: 30 })
  await expectSound(harness, account)
  expect(await ledger.release({ holdId: h1.id })).toEqual({
    ok: true,
    released: 0,
    forfeited: 30,
    available: 0,
    replayed: false,
  })
  expect(await ledger.balance(account)).toMatchObject({ available: 0, held: 0 })
  await expectSound(harness, account)

  // Settle charges what it can from the hold; only the unused part is forfeited.
  await grant(ledger, account, 50, { expiresAt: clock.now() + 1000 })
  await grant(ledger, account, 100)
  const h2 = okResult(await ledger.reserve({ account, amount: 30, ttl: '1 h' }), 'reserve').hold
  clock.advance(1000)
  expect(await ledger.settle({ holdId: h2.id, amount: 10 })).toMatchObject({
    ok: true,
    charged: 10,
    released: 0,
    forfeited: 20,
    shortfall: 0,
    available: 100,
  })
  await expectSound(harness, account)

  // A hold across an ended grant and a live one: each returned unit goes where it came from.
  const mixed = uid('forfeit-mixed')
  await grant(ledger, mixed, 10, { source: 'ending', expiresAt: clock.now() + 1000 })
  await grant(ledger, mixed, 10, { source: 'lasting' })
  const h5 = okResult(await ledger.reserve({ account: mixed, amount: 15, ttl: '1 h' }), 'reserve').hold
  clock.advance(1000)
  expect(await ledger.settle({ holdId: h5.id, amount: 5 })).toMatchObject({
    ok: true,
    charged: 5,
    released: 5,
    forfeited: 5,
    available: 10,
  })
  await expectSound(harness, mixed)

  // Full revoke ends the grant: its held units are forfeited; a partial revoke does not.
  const full = uid('revoke-held')
  const k = await grant(ledger, full, 50)
  const h3 = okResult(await ledger.reserve({ account: full, amount: 30, ttl: '1 h' }), 'reserve').hold
  expect(await ledger.revoke({ account: full, grantId: k.grantId, reason: 'chargeback' })).toMatchObject({
    revoked: 20,
    available: 0,
  })
  expect(await ledger.release({ holdId: h3.id })).toMatchObject({ ok: true, released: 0, forfeited: 30, available: 0 })
  await expectSound(harness, full)

  const partial = uid('revoke-part')
  const m = await grant(ledger, partial, 50)
  const h4 = okResult(await ledger.reserve({ account: partial, amount: 30, ttl: '1 h' }), 'reserve').hold
  expect(await ledger.revoke({ account: partial, grantId: m.grantId, amount: 10, reason: 'r' })).toMatchObject({
    revoked: 10,
  })
  expect(await ledger.release({ holdId: h4.id })).toMatchObject({ ok: true, released: 30, forfeited: 0, available: 40 })
  await expectSound(harness, partial)
}
