import { expect } from 'vitest'
import { expectSound, grant, type LedgerCheck, okResult, uid } from './ledger-check-kit.js'

// docs/semantics.md, "A released hold frees its idempotency key": like a refusal, a released
// hold leaves nothing behind under its key, so the same key is evaluated afresh. A settled or
// expired hold keeps its key: a retry replays it.

/** reserve K, release, reserve K: a new hold, not a replay of the released one. */
export const releaseFreesKey: LedgerCheck = async ({ harness }) => {
  const { ledger } = harness
  const account = uid('release-key')
  await grant(ledger, account, 100)
  const key = uid('reserve')
  const first = okResult(await ledger.reserve({ account, amount: 30, ttl: '1 h', idempotencyKey: key }), 'reserve')
  const released = okResult(await ledger.release({ holdId: first.hold.id }), 'release')
  expect(released).toMatchObject({ released: 30, available: 100, replayed: false })

  const again = okResult(await ledger.reserve({ account, amount: 30, ttl: '1 h', idempotencyKey: key }), 'reserve')
  expect(again.replayed, 'a released hold leaves its key free').toBe(false)
  expect(again.hold.id).not.toBe(first.hold.id)
  expect(again.available).toBe(70)
  expect(await ledger.balance(account)).toMatchObject({ available: 70, held: 30 })
  // The key now names the new hold: a retry replays it, and it settles.
  expect(await ledger.reserve({ account, amount: 30, ttl: '1 h', idempotencyKey: key })).toEqual({
    ...again,
    replayed: true,
  })
  expect(okResult(await ledger.settle({ holdId: again.hold.id, amount: 20 }), 'settle')).toMatchObject({
    charged: 20,
    available: 80,
  })
  // Releasing the first hold again is a no-op replay and leaves the key with the settled hold.
  expect(okResult(await ledger.release({ holdId: first.hold.id }), 'release')).toMatchObject({ replayed: true })
  const replay = okResult(await ledger.reserve({ account, amount: 30, ttl: '1 h', idempotencyKey: key }), 'reserve')
  expect(replay).toEqual({ ...again, replayed: true })

  // Free means free: other parameters, or another operation, are evaluated afresh, not a conflict.
  const other = uid('reserve')
  const held = okResult(await ledger.reserve({ account, amount: 5, ttl: '1 h', idempotencyKey: other }), 'reserve')
  okResult(await ledger.release({ holdId: held.hold.id }), 'release')
  const bigger = okResult(await ledger.reserve({ account, amount: 6, ttl: '1 h', idempotencyKey: other }), 'reserve')
  expect(bigger).toMatchObject({ replayed: false, hold: { amount: 6 } })
  okResult(await ledger.release({ holdId: bigger.hold.id }), 'release')
  const debited = okResult(await ledger.debit({ account, amount: 4, reason: 'x', idempotencyKey: other }), 'debit')
  expect(debited).toMatchObject({ replayed: false, amount: 4, available: 76 })

  expect(await ledger.balance(account)).toMatchObject({ available: 76, held: 0 })
  await expectSound(harness, account)
}

/** A settled hold keeps its key (a retry replays the hold, whose settle replays); so does an expired one. */
export const closedHoldKeepsKey: LedgerCheck = async ({ harness, clock }) => {
  const { ledger } = harness
  const account = uid('settle-key')
  await grant(ledger, account, 100)
  const key = uid('reserve')
  const first = okResult(await ledger.reserve({ account, amount: 30, ttl: '1 h', idempotencyKey: key }), 'reserve')
  const settled = okResult(await ledger.settle({ holdId: first.hold.id, amount: 25 }), 'settle')
  expect(await ledger.reserve({ account, amount: 30, ttl: '1 h', idempotencyKey: key })).toEqual({
    ...first,
    replayed: true,
  })
  expect(await ledger.settle({ holdId: first.hold.id, amount: 25 })).toEqual({ ...settled, replayed: true })

  // Expired unsettled: the key stays bound, so a late retry cannot get a second hold beside the
  // first call's, which may still be settled (and is charged from what is available).
  const late = uid('reserve')
  const lapsed = okResult(await ledger.reserve({ account, amount: 10, ttl: 1_000, idempotencyKey: late }), 'reserve')
  clock.advance(2_000)
  expect(okResult(await ledger.release({ holdId: lapsed.hold.id }), 'release')).toMatchObject({
    released: 0,
    replayed: true,
  })
  expect(await ledger.reserve({ account, amount: 10, ttl: 1_000, idempotencyKey: late })).toEqual({
    ...lapsed,
    replayed: true,
  })
  expect(await ledger.balance(account)).toMatchObject({ available: 75, held: 0 })
  await expectSound(harness, account)
}

/** After a release, parallel reserves with its key place exactly one new hold; the rest replay it. */
export const concurrentReserveAfterRelease: LedgerCheck = async ({ harness, concurrency }) => {
  const { ledger } = harness
  const account = uid('release-race')
  await grant(ledger, account, 100)
  const key = uid('reserve')
  const first = okResult(await ledger.reserve({ account, amount: 7, ttl: '1 h', idempotencyKey: key }), 'reserve')
  okResult(await ledger.release({ holdId: first.hold.id }), 'release')
  const callers = Math.min(50, concurrency)
  const results = await Promise.all(
    Array.from({ length: callers }, () => ledger.reserve({ account, amount: 7, ttl: '1 h', idempotencyKey: key })),
  )
  const ids = new Set(results.map((r) => okResult(r, 'reserve').hold.id))
  expect(ids.size, 'one new hold').toBe(1)
  expect(ids.has(first.hold.id)).toBe(false)
  expect(results.filter((r) => r.ok && !r.replayed)).toHaveLength(1)
  expect(await ledger.balance(account)).toMatchObject({ available: 93, held: 7 })
  await expectSound(harness, account)
}
