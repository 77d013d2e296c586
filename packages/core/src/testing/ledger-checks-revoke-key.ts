import { expect } from 'vitest'
import { expectCode, grant, type LedgerCheck, okResult, uid } from './ledger-check-kit.js'

// docs/semantics.md, revoke: "the key is looked up before anything else", so a key bound to
// other parameters is a conflict even when the grant it names does not exist.

/** A used key is a conflict before the grant is looked up; nothing is written. */
export const revokeKeyFirst: LedgerCheck = async ({ harness }) => {
  const { ledger } = harness
  const account = uid('revoke-key')
  const g = await grant(ledger, account, 50)
  const debitKey = uid('debit')
  okResult(await ledger.debit({ account, amount: 5, reason: 'x', idempotencyKey: debitKey }), 'debit')
  await expectCode(
    ledger.revoke({
      account,
      grantId: uid('no-such-grant'),
      amount: 5,
      reason: 'refund',
      idempotencyKey: debitKey,
    }),
    'idempotency_conflict',
  )
  await expectCode(
    ledger.revoke({
      account,
      grantIdempotencyKey: uid('no-such-key'),
      reason: 'refund',
      idempotencyKey: debitKey,
    }),
    'idempotency_conflict',
  )
  const revokeKey = uid('revoke')
  const first = okResult(
    await ledger.revoke({
      account,
      grantId: g.grantId,
      amount: 10,
      reason: 'refund',
      idempotencyKey: revokeKey,
    }),
    'revoke',
  )
  await expectCode(
    ledger.revoke({
      account,
      grantId: uid('no-such-grant'),
      amount: 10,
      reason: 'refund',
      idempotencyKey: revokeKey,
    }),
    'idempotency_conflict',
  )
  expect(
    await ledger.revoke({
      account,
      grantId: g.grantId,
      amount: 10,
      reason: 'refund',
      idempotencyKey: revokeKey,
    }),
  ).toEqual({
    ...first,
    replayed: true,
  })
  expect(await ledger.balance(account)).toMatchObject({ available: 35, held: 0 })
}
