import { expect } from 'vitest'
import { MAX_BALANCE } from '../ledger/types.js'
import { entriesSum, expectCode, expectSound, type LedgerCheck, okResult, uid } from './ledger-check-kit.js'

// docs/semantics.md, "Input rules": an account holds at most MAX_BALANCE = 2^53 - 1 units
// (available + held), so every total is an exact integer in JavaScript, Lua and JSON.

/** Up to exactly MAX_BALANCE is accepted and verifies; one unit more is refused and writes nothing. */
export const balanceBound: LedgerCheck = async ({ harness }) => {
  const { ledger } = harness
  const account = uid('bound')
  const bigKey = uid('grant')
  const g = await ledger.grant({ account, amount: MAX_BALANCE, source: 'big', idempotencyKey: bigKey })
  expect(g.available).toBe(MAX_BALANCE)
  // The key is looked up first: a retry of the grant that filled the account replays.
  expect(await ledger.grant({ account, amount: MAX_BALANCE, source: 'big', idempotencyKey: bigKey })).toEqual({
    ...g,
    replayed: true,
  })
  expect((await ledger.verify(account)).problems).toEqual([])
  await expectSound(harness, account)

  const overKey = uid('grant')
  const error = await expectCode(
    ledger.grant({ account, amount: 1, source: 'over', idempotencyKey: overKey }),
    'validation_error',
  )
  expect((error as { issues?: Array<{ path: string }> }).issues?.map((i) => i.path)).toContain('amount')
  expect(await ledger.balance(account)).toMatchObject({ available: MAX_BALANCE, held: 0 })
  expect((await ledger.history(account)).entries).toHaveLength(1)

  // Held units count too: MAX_BALANCE - 10 granted, 5 held, then exactly 10 more fit.
  const b = uid('bound')
  await ledger.grant({ account: b, amount: MAX_BALANCE - 10, source: 'big', idempotencyKey: uid('grant') })
  const hold = okResult(await ledger.reserve({ account: b, amount: 5, ttl: 60_000 }), 'reserve').hold.id
  await expectCode(
    ledger.grant({ account: b, amount: 11, source: 'over', idempotencyKey: overKey }),
    'validation_error',
  )
  expect((await ledger.grant({ account: b, amount: 10, source: 'fits', idempotencyKey: uid('grant') })).available).toBe(
    MAX_BALANCE - 5,
  )
  await expectCode(ledger.grant({ account: b, amount: 1, source: 'over', idempotencyKey: overKey }), 'validation_error')
  expect(await ledger.balance(b)).toMatchObject({ available: MAX_BALANCE - 5, held: 5 })
  // The refused key was not stored: once there is room, the same call is a fresh grant.
  okResult(await ledger.settle({ holdId: hold, amount: 1 }), 'settle')
  const retried = await ledger.grant({ account: b, amount: 1, source: 'over', idempotencyKey: overKey })
  expect(retried).toMatchObject({ replayed: false, available: MAX_BALANCE })
  await expectSound(harness, b)
}

/** Debits, holds and settles of sizes near 2^53 are exact to the unit (no float rounding anywhere). */
export const exactAtTheBound: LedgerCheck = async ({ harness }) => {
  const { ledger } = harness
  const account = uid('bound')
  await ledger.grant({ account, amount: MAX_BALANCE - 1, source: 'a', idempotencyKey: uid('grant') })
  await ledger.grant({ account, amount: 1, source: 'b', idempotencyKey: uid('grant'), priority: 1 })
  const hold = okResult(await ledger.reserve({ account, amount: MAX_BALANCE - 2, ttl: 60_000 }), 'reserve')
  expect(hold.available).toBe(2)
  expect(await ledger.balance(account)).toMatchObject({ available: 2, held: MAX_BALANCE - 2 })
  expect(await ledger.settle({ holdId: hold.hold.id, amount: MAX_BALANCE - 5 })).toMatchObject({
    ok: true,
    charged: MAX_BALANCE - 5,
    released: 3,
    shortfall: 0,
    available: 5,
  })
  const debit = okResult(await ledger.debit({ account, amount: 3, reason: 'x' }), 'debit')
  expect(debit.available).toBe(2)
  const entries = (await ledger.history(account)).entries.map((e) => e.amount)
  expect(entries).toEqual([-3, -(MAX_BALANCE - 5), 1, MAX_BALANCE - 1])
  expect(await entriesSum(harness.raw, account)).toBe(2)

  // A debit of nearly everything, odd on both sides of the float grid.
  const b = uid('bound')
  await ledger.grant({ account: b, amount: MAX_BALANCE, source: 'a', idempotencyKey: uid('grant') })
  const big = okResult(await ledger.debit({ account: b, amount: MAX_BALANCE - 2, reason: 'x' }), 'debit')
  expect(big.available).toBe(2)
  const settleAbove = okResult(await ledger.reserve({ account: b, amount: 1, ttl: 60_000 }), 'reserve')
  expect(await ledger.settle({ holdId: settleAbove.hold.id, amount: 3 })).toMatchObject({
    charged: 2,
    shortfall: 1,
    available: 0,
  })
  const verified = await ledger.verify(b)
  expect(verified.problems).toEqual([])
  expect(verified.entriesSum).toBe(0)
  await expectSound(harness, b)

  // Back up to exactly the bound after all that: the last unit fits, one more does not.
  expect(
    (await ledger.grant({ account, amount: MAX_BALANCE - 2, source: 'c', idempotencyKey: uid('grant') })).available,
  ).toBe(MAX_BALANCE)
  await expectCode(ledger.grant({ account, amount: 1, source: 'd', idempotencyKey: uid('grant') }), 'validation_error')
  expect(await ledger.balance(account)).toMatchObject({ available: MAX_BALANCE, held: 0 })
  await expectSound(harness, account)
}
