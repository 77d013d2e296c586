import { expect } from 'vitest'
import { expectCode, expectSound, grant, type LedgerCheck, okResult, uid } from './ledger-check-kit.js'

/** Grant, debit and balance; every result carries `available` after the operation. */
export const basics: LedgerCheck = async ({ harness, clock }) => {
  const { ledger } = harness
  const account = uid('basics')
  expect(await ledger.balance(account)).toEqual({ account, available: 0, held: 0, grants: [] })

  const g1 = await grant(ledger, account, 100, { source: 'purchase', metadata: { order: 'o-1' } })
  expect(g1).toMatchObject({ ok: true, amount: 100, available: 100, replayed: false })
  expect(typeof g1.grantId).toBe('string')
  expect(typeof g1.entryId).toBe('string')
  const g2 = await grant(ledger, account, 50, { source: 'signup' })
  expect(g2.available).toBe(150)
  expect(g2.grantId).not.toBe(g1.grantId)

  const d1 = okResult(await ledger.debit({ account, amount: 30, reason: 'chat', metadata: { model: 'm' } }), 'debit')
  expect(d1).toMatchObject({ ok: true, amount: 30, available: 120, replayed: false })
  // Without a key, the same call twice is two debits.
  const d2 = okResult(await ledger.debit({ account, amount: 30, reason: 'chat' }), 'debit')
  expect(d2.available).toBe(90)
  expect(d2.entryId).not.toBe(d1.entryId)

  const balance = await ledger.balance(account)
  expect(balance.account).toBe(account)
  expect(balance.available).toBe(90)
  expect(balance.held).toBe(0)
  expect(balance.grants).toHaveLength(2)
  expect(balance.grants.map((g) => g.id).sort()).toEqual([g1.grantId, g2.grantId].sort())
  const purchase = balance.grants.find((g) => g.id === g1.grantId)!
  expect(purchase).toMatchObject({ source: 'purchase', amount: 100, priority: 0, expiresAt: null })

  const { entries, nextCursor } = await ledger.history(account)
  expect(nextCursor).toBeNull()
  expect(entries.map((e) => [e.type, e.amount])).toEqual([
    ['debit', -30],
    ['debit', -30],
    ['grant', 50],
    ['grant', 100],
  ])
  expect(entries[1]).toMatchObject({ id: d1.entryId, account, reason: 'chat', grantId: null, holdId: null })
  expect(entries[1]!.metadata).toEqual({ model: 'm' })
  expect(entries[3]).toMatchObject({ id: g1.entryId, reason: 'purchase', grantId: g1.grantId })
  expect(entries[3]!.metadata).toEqual({ order: 'o-1' })
  // Times come from the injected clock, never the store's or the machine's own.
  expect(entries.map((e) => e.createdAt)).toEqual(entries.map(() => clock.now()))
  expect(balance.grants.map((g) => g.createdAt)).toEqual([clock.now(), clock.now()])

  // Spending everything is allowed; one unit more is refused with the numbers.
  expect(await ledger.debit({ account, amount: 90, reason: 'all' })).toMatchObject({ ok: true, available: 0 })
  expect(await ledger.debit({ account, amount: 1, reason: 'more' })).toEqual({
    ok: false,
    reason: 'insufficient_credits',
    available: 0,
    required: 1,
  })
  await expectSound(harness, account)
}

/** Refusals write nothing and are not stored under their idempotency key. */
export const refusals: LedgerCheck = async ({ harness }) => {
  const { ledger, raw } = harness
  const account = uid('refuse')
  await grant(ledger, account, 10)
  expect(await ledger.debit({ account, amount: 11, reason: 'x' })).toEqual({
    ok: false,
    reason: 'insufficient_credits',
    available: 10,
    required: 11,
  })
  expect(await ledger.reserve({ account, amount: 11, ttl: '1 m' })).toEqual({
    ok: false,
    reason: 'insufficient_credits',
    available: 10,
    required: 11,
  })
  expect(await raw.entries(account)).toHaveLength(1)
  expect(await ledger.balance(account)).toMatchObject({ available: 10, held: 0 })

  const key = uid('debit')
  expect((await ledger.debit({ account, amount: 11, reason: 'x', idempotencyKey: key })).ok).toBe(false)
  await grant(ledger, account, 5)
  expect(await ledger.debit({ account, amount: 11, reason: 'x', idempotencyKey: key })).toMatchObject({
    ok: true,
    available: 4,
    replayed: false,
  })
  expect(await ledger.debit({ account, amount: 11, reason: 'x', idempotencyKey: key })).toMatchObject({
    ok: true,
    available: 4,
    replayed: true,
  })
  const rkey = uid('reserve')
  expect((await ledger.reserve({ account, amount: 5, ttl: '1 m', idempotencyKey: rkey })).ok).toBe(false)
  await grant(ledger, account, 1)
  expect(await ledger.reserve({ account, amount: 5, ttl: '1 m', idempotencyKey: rkey })).toMatchObject({
    ok: true,
    available: 0,
    replayed: false,
  })
  await expectSound(harness, account)
}

/** Priority first, then the soonest expiry (never-expiring last), then the oldest grant. */
export const spendingOrder: LedgerCheck = async ({ harness, clock }) => {
  const { ledger } = harness
  const account = uid('order')
  const now = clock.now()
  const hour = 3_600_000
  await grant(ledger, account, 10, { source: 'a' })
  await grant(ledger, account, 10, { source: 'b', expiresAt: now + 2 * hour })
  const c = await grant(ledger, account, 10, { source: 'c', expiresAt: new Date(now + hour) })
  await grant(ledger, account, 10, { source: 'd', priority: 5 })
  await grant(ledger, account, 10, { source: 'e' })
  await grant(ledger, account, 10, { source: 'f', priority: -1, expiresAt: now + hour / 2 })
  const order = async () => (await ledger.balance(account)).grants.map((g) => [g.source, g.remaining])

  expect(await order()).toEqual([
    ['d', 10],
    ['c', 10],
    ['b', 10],
    ['a', 10],
    ['e', 10],
    ['f', 10],
  ])
  const cBalance = (await ledger.balance(account)).grants.find((g) => g.id === c.grantId)
  expect(cBalance?.expiresAt).toBe(now + hour)
  okResult(await ledger.debit({ account, amount: 15, reason: 'x' }), 'debit 15')
  expect(await order()).toEqual([
    ['c', 5],
    ['b', 10],
    ['a', 10],
    ['e', 10],
    ['f', 10],
  ])
  okResult(await ledger.debit({ account, amount: 20, reason: 'x' }), 'debit 20')
  expect(await order()).toEqual([
    ['a', 5],
    ['e', 10],
    ['f', 10],
  ])
  // A hold takes in the same order, and a release gives back to the same grants.
  const hold = okResult(await ledger.reserve({ account, amount: 7, ttl: '1 h' }), 'reserve').hold
  expect(await order()).toEqual([
    ['e', 8],
    ['f', 10],
  ])
  okResult(await ledger.release({ holdId: hold.id }), 'release')
  expect(await order()).toEqual([
    ['a', 5],
    ['e', 10],
    ['f', 10],
  ])
  await expectSound(harness, account)
}

/** A grant stops counting at its expiry (inclusive), recorded by an `expire` entry. */
export const grantExpiry: LedgerCheck = async ({ harness, clock }) => {
  const { ledger, raw } = harness
  const account = uid('expiry')
  const x = await grant(ledger, account, 100, { source: 'promo', expiresAt: clock.now() + 1000 })
  await grant(ledger, account, 50, { source: 'paid' })
  const one = await grant(ledger, account, 1, { source: 'one', expiresAt: clock.now() + 1000, priority: -1 })
  okResult(await ledger.debit({ account, amount: 30, reason: 'x' }), 'debit')
  clock.advance(999)
  expect((await ledger.balance(account)).available).toBe(121)
  clock.advance(1)
  const balance = await ledger.balance(account)
  expect(balance.available, 'available once the grant expired').toBe(50)
  expect(balance.grants.map((g) => g.source)).toEqual(['paid'])
  const expired = await ledger.history(account, { types: ['expire'] })
  expect(expired.entries.map((e) => [e.type, e.amount, e.grantId]).sort()).toEqual(
    [
      ['expire', -70, x.grantId],
      ['expire', -1, one.grantId],
    ].sort(),
  )
  expect((await raw.grants(account)).find((g) => g.id === x.grantId)?.remaining).toBe(0)
  expect(await ledger.debit({ account, amount: 51, reason: 'x' })).toMatchObject({ ok: false, available: 50 })
  await expectSound(harness, account)

  // A grant born expired never counts.
  const late = await grant(ledger, account, 10, { expiresAt: clock.now() - 1 })
  expect(late, 'a grant born expired is not available').toMatchObject({ ok: true, amount: 10, available: 50 })
  expect((await ledger.balance(account)).available).toBe(50)
  await expectSound(harness, account)

  // Expiry is noticed by writes too, not only by reads.
  const other = uid('expiry-write')
  await grant(ledger, other, 10, { expiresAt: clock.now() + 10 })
  clock.advance(10)
  expect(await ledger.debit({ account: other, amount: 1, reason: 'x' })).toMatchObject({ ok: false, available: 0 })
  await expectSound(harness, other)
}

/** Revoke full and partial, by grant id and by grant key, idempotent, and refused for unknown grants. */
export const revoke: LedgerCheck = async ({ harness, clock }) => {
  const { ledger } = harness
  const account = uid('revoke')
  const key = uid('grant')
  const a = await ledger.grant({ account, amount: 100, source: 'purchase', idempotencyKey: key })
  expect(await ledger.revoke({ account, grantId: a.grantId, amount: 30, reason: 'partial refund' })).toMatchObject({
    ok: true,
    revoked: 30,
    account,
    grantId: a.grantId,
    available: 70,
    replayed: false,
  })
  // At most what is left, found by the grant's idempotency key.
  const r2 = okResult(
    await ledger.revoke({ account, grantIdempotencyKey: key, amount: 100, reason: 'dispute' }),
    'revoke',
  )
  expect(r2).toMatchObject({ revoked: 70, grantId: a.grantId, available: 0 })
  expect(typeof r2.entryId).toBe('string')

  const b = await grant(ledger, account, 40)
  okResult(await ledger.debit({ account, amount: 10, reason: 'x' }), 'debit')
  expect(await ledger.revoke({ account, grantId: b.grantId, reason: 'refund' })).toMatchObject({
    ok: true,
    revoked: 30,
  })
  expect(await ledger.revoke({ account, grantId: b.grantId, reason: 'refund again' })).toMatchObject({
    ok: true,
    revoked: 0,
    entryId: null,
    available: 0,
    replayed: false,
  })

  const c = await grant(ledger, account, 20)
  const rk = uid('revoke')
  const first = okResult(
    await ledger.revoke({ account, grantId: c.grantId, amount: 5, reason: 'r', idempotencyKey: rk }),
    'r',
  )
  const again = okResult(
    await ledger.revoke({ account, grantId: c.grantId, amount: 5, reason: 'r', idempotencyKey: rk }),
    'r',
  )
  expect(again).toEqual({ ...first, replayed: true })
  expect((await ledger.balance(account)).available).toBe(15)
  await expectCode(
    ledger.revoke({ account, grantId: c.grantId, amount: 6, reason: 'r', idempotencyKey: rk }),
    'idempotency_conflict',
  )
  expect((await ledger.balance(account)).available).toBe(15)

  const e = await grant(ledger, account, 10, { expiresAt: clock.now() + 1000 })
  clock.advance(1000)
  expect(await ledger.revoke({ account, grantId: e.grantId, reason: 'late' })).toMatchObject({
    ok: true,
    revoked: 0,
  })

  expect(await ledger.revoke({ account, grantId: uid('no-such-grant'), reason: 'x' })).toEqual({
    ok: false,
    reason: 'grant_not_found',
  })
  expect(await ledger.revoke({ account, grantIdempotencyKey: uid('no-such-key'), reason: 'x' })).toEqual({
    ok: false,
    reason: 'grant_not_found',
  })
  // A debit's key names no grant.
  const dk = uid('debit')
  okResult(await ledger.debit({ account, amount: 1, reason: 'x', idempotencyKey: dk }), 'debit')
  expect(await ledger.revoke({ account, grantIdempotencyKey: dk, reason: 'x' })).toEqual({
    ok: false,
    reason: 'grant_not_found',
  })

  const revokes = await ledger.history(account, { types: ['revoke'] })
  expect(revokes.entries.map((x) => x.amount)).toEqual([-5, -30, -70, -30])
  expect(revokes.entries.map((x) => x.reason)).toEqual(['r', 'refund', 'dispute', 'partial refund'])
  await expectSound(harness, account)
}
