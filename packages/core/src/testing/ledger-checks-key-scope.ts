import { expect } from 'vitest'
import { expectCode, expectSound, grant, type LedgerCheck, okResult, uid } from './ledger-check-kit.js'

// docs/semantics.md, "Idempotency keys": keys are scoped per account. The same key used by two
// accounts names two different calls; within one account a reuse with other parameters still
// conflicts. Revoke names its account and acts within it only.

/** Two accounts use one key for every operation: each gets its own effect, neither replays the other's. */
export const keysPerAccount: LedgerCheck = async ({ harness }) => {
  const { ledger, raw } = harness
  const [a, b] = [uid('scope-a'), uid('scope-b')]
  const key = uid('shared')
  const ga = okResult(await ledger.grant({ account: a, amount: 100, source: 'pack', idempotencyKey: key }), 'grant a')
  const gb = okResult(await ledger.grant({ account: b, amount: 70, source: 'other', idempotencyKey: key }), 'grant b')
  expect(gb, "b's grant is its own, not a replay of a's").toMatchObject({ replayed: false, amount: 70, available: 70 })
  expect(gb.grantId).not.toBe(ga.grantId)
  // within one account the key still conflicts with other parameters
  await expectCode(
    ledger.grant({ account: a, amount: 70, source: 'other', idempotencyKey: key }),
    'idempotency_conflict',
  )

  const dk = uid('shared-debit')
  const da = okResult(await ledger.debit({ account: a, amount: 10, reason: 'x', idempotencyKey: dk }), 'debit a')
  const db = okResult(await ledger.debit({ account: b, amount: 20, reason: 'y', idempotencyKey: dk }), 'debit b')
  expect(db).toMatchObject({ replayed: false, amount: 20, available: 50 })
  expect(await ledger.debit({ account: a, amount: 10, reason: 'x', idempotencyKey: dk })).toEqual({
    ...da,
    replayed: true,
  })

  const rk = uid('shared-reserve')
  const ha = okResult(await ledger.reserve({ account: a, amount: 5, ttl: '1 h', idempotencyKey: rk }), 'reserve a')
  const hb = okResult(await ledger.reserve({ account: b, amount: 6, ttl: '1 h', idempotencyKey: rk }), 'reserve b')
  expect(hb.replayed).toBe(false)
  expect(hb.hold.id).not.toBe(ha.hold.id)
  expect(hb.hold).toMatchObject({ account: b, amount: 6 })

  // Each account's revoke by the shared grant key finds its own grant.
  const vk = uid('shared-revoke')
  const va = okResult(
    await ledger.revoke({ account: a, grantIdempotencyKey: key, amount: 1, reason: 'r', idempotencyKey: vk }),
    'revoke a',
  )
  const vb = okResult(
    await ledger.revoke({ account: b, grantIdempotencyKey: key, amount: 2, reason: 'r', idempotencyKey: vk }),
    'revoke b',
  )
  expect(va).toMatchObject({ account: a, grantId: ga.grantId, revoked: 1, replayed: false })
  expect(vb).toMatchObject({ account: b, grantId: gb.grantId, revoked: 2, replayed: false })

  expect(await ledger.balance(a)).toMatchObject({ available: 84, held: 5 })
  expect(await ledger.balance(b)).toMatchObject({ available: 42, held: 6 })
  expect((await raw.entries(a)).map((e) => e.amount).sort((x, y) => x - y)).toEqual([-10, -1, 100])
  expect((await raw.entries(b)).map((e) => e.amount).sort((x, y) => x - y)).toEqual([-20, -2, 70])
  await expectSound(harness, a)
  await expectSound(harness, b)
}

/** A revoke naming another account finds no grant (by id or by key) and changes nothing. */
export const revokeWrongAccount: LedgerCheck = async ({ harness }) => {
  const { ledger, raw } = harness
  const [owner, other] = [uid('owner'), uid('other')]
  const key = uid('grant')
  const g = okResult(await ledger.grant({ account: owner, amount: 50, source: 'pack', idempotencyKey: key }), 'grant')
  await grant(ledger, other, 30)
  const before = { owner: await ledger.balance(owner), other: await ledger.balance(other) }
  const revokeKey = uid('revoke')
  const notFound = { ok: false, reason: 'grant_not_found' }
  expect(await ledger.revoke({ account: other, grantId: g.grantId, reason: 'r' })).toEqual(notFound)
  expect(await ledger.revoke({ account: other, grantId: g.grantId, amount: 5, reason: 'r' })).toEqual(notFound)
  expect(
    await ledger.revoke({ account: other, grantIdempotencyKey: key, reason: 'r', idempotencyKey: revokeKey }),
  ).toEqual(notFound)
  expect(await ledger.balance(owner)).toEqual(before.owner)
  expect(await ledger.balance(other)).toEqual(before.other)
  expect((await raw.entries(owner)).map((e) => e.type)).toEqual(['grant'])
  expect((await raw.entries(other)).map((e) => e.type)).toEqual(['grant'])
  // A refusal binds no key: the same revoke key then works in the right account.
  expect(
    await ledger.revoke({ account: owner, grantIdempotencyKey: key, reason: 'r', idempotencyKey: revokeKey }),
  ).toMatchObject({ ok: true, revoked: 50, grantId: g.grantId, replayed: false })
  await expectSound(harness, owner)
  await expectSound(harness, other)
}
