import { expect } from 'vitest'
import { expectCode, expectSound, type LedgerCheck, okResult, uid } from './ledger-check-kit.js'

/**
 * A key is bound to its operation and to the parameters that change the effect (not metadata).
 * Reuse with anything else throws `idempotency_conflict` and writes nothing. Within one account,
 * keys share one namespace across grant, debit, reserve and revoke (another account's keys are
 * its own: `keysPerAccount`).
 */
export const idempotencyConflicts: LedgerCheck = async ({ harness, clock }) => {
  const { ledger, raw } = harness
  const account = uid('conflict')
  const gk = uid('grant')
  const base = { account, amount: 10, source: 'pack', idempotencyKey: gk }
  const first = await ledger.grant({ ...base, metadata: { attempt: 1 } })
  expect(await ledger.grant({ ...base, metadata: { attempt: 2 } }), 'metadata is not a parameter').toEqual({
    ...first,
    replayed: true,
  })
  const conflicting = [{ amount: 11 }, { source: 'other' }, { priority: 1 }, { expiresAt: clock.now() + 60_000 }]
  for (const change of conflicting) {
    const error = await expectCode(ledger.grant({ ...base, ...change }), 'idempotency_conflict')
    expect((error as { idempotencyKey?: unknown }).idempotencyKey).toBe(gk)
  }

  const dk = uid('debit')
  okResult(await ledger.debit({ account, amount: 3, reason: 'chat', idempotencyKey: dk }), 'debit')
  await expectCode(ledger.debit({ account, amount: 4, reason: 'chat', idempotencyKey: dk }), 'idempotency_conflict')
  await expectCode(ledger.debit({ account, amount: 3, reason: 'image', idempotencyKey: dk }), 'idempotency_conflict')
  // One namespace: a key used by one operation conflicts with every other operation.
  await expectCode(ledger.debit({ account, amount: 10, reason: 'pack', idempotencyKey: gk }), 'idempotency_conflict')
  await expectCode(ledger.reserve({ account, amount: 3, ttl: '1 m', idempotencyKey: dk }), 'idempotency_conflict')
  await expectCode(ledger.grant({ ...base, idempotencyKey: dk }), 'idempotency_conflict')
  await expectCode(
    ledger.revoke({ account, grantId: first.grantId, amount: 1, reason: 'r', idempotencyKey: dk }),
    'idempotency_conflict',
  )

  const rk = uid('reserve')
  const hold = okResult(await ledger.reserve({ account, amount: 2, ttl: '1 m', idempotencyKey: rk }), 'reserve')
  await expectCode(ledger.reserve({ account, amount: 2, ttl: '2 m', idempotencyKey: rk }), 'idempotency_conflict')
  await expectCode(ledger.reserve({ account, amount: 3, ttl: '1 m', idempotencyKey: rk }), 'idempotency_conflict')
  // Durations are compared as milliseconds: the same ttl spelled differently is a replay.
  expect(await ledger.reserve({ account, amount: 2, ttl: 60_000, idempotencyKey: rk })).toEqual({
    ...hold,
    replayed: true,
  })

  expect((await raw.entries(account)).map((e) => [e.type, e.amount]).sort()).toEqual([
    ['debit', -3],
    ['grant', 10],
  ])
  expect(await ledger.balance(account)).toMatchObject({ available: 5, held: 2 })
  await expectSound(harness, account)
}
