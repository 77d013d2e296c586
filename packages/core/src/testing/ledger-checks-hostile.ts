import { expect } from 'vitest'
import type { Ledger } from '../ledger/types.js'
import { type Attempt, expectAllRefused } from './expect-refused.js'
import { badAmounts, badCounts, badIds, badMetadata, badStrings, edgeIds, edgeMetadata } from './hostile-inputs.js'
import { expectCode, expectSound, grant, type LedgerCheck, okResult, uid } from './ledger-check-kit.js'

/**
 * The input rules (docs/semantics.md, "Input rules") through every ledger operation: each
 * hostile value is a ValidationError before the store sees it, and the store is exactly as it
 * was; the valid edge values work and stay apart.
 */

/** Everything a reader can see of one account, to compare before and after refused calls. */
async function snapshot(ledger: Ledger, raw: Parameters<LedgerCheck>[0]['harness']['raw'], account: string) {
  return {
    balance: await ledger.balance(account),
    verify: await ledger.verify(account),
    history: await ledger.history(account, { limit: 500 }),
    entries: await raw.entries(account),
    grants: await raw.grants(account),
  }
}

export const hostileInput: LedgerCheck = async ({ harness }) => {
  const { ledger, raw } = harness
  const account = uid('hostile')
  const g = await grant(ledger, account, 1000, { idempotencyKey: uid('hostile-g') })
  const hold = okResult(await ledger.reserve({ account, amount: 10, ttl: '1 h', reason: 'held' }), 'reserve')
  const before = await snapshot(ledger, raw, account)

  const base = uid('bad')
  const ids = badIds(base)
  const strings = badStrings(base)
  const metas = badMetadata()
  const key = () => uid('hk')
  const grantIn = { account, amount: 5, source: 's' }
  const debitIn = { account, amount: 5, reason: 'r' }
  const reserveIn = { account, amount: 5, ttl: '1 m' }
  const attempts: Attempt[] = []
  const each = <T>(list: Array<{ name: string; value: T }>, what: string, call: (v: T) => Promise<unknown>) => {
    for (const h of list) attempts.push([`${what} = ${h.name}`, () => call(h.value)])
  }
  const L = ledger as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>

  for (const field of ['account', 'source', 'idempotencyKey']) {
    each(ids, `grant ${field}`, (v) => L.grant!({ ...grantIn, idempotencyKey: key(), [field]: v }))
  }
  each(badAmounts, 'grant amount', (v) => L.grant!({ ...grantIn, idempotencyKey: key(), amount: v }))
  each(metas, 'grant metadata', (v) => L.grant!({ ...grantIn, idempotencyKey: key(), metadata: v }))
  for (const field of ['account', 'reason', 'idempotencyKey']) {
    each(ids, `debit ${field}`, (v) => L.debit!({ ...debitIn, [field]: v }))
  }
  each(badAmounts, 'debit amount', (v) => L.debit!({ ...debitIn, amount: v }))
  each(metas, 'debit metadata', (v) => L.debit!({ ...debitIn, idempotencyKey: key(), metadata: v }))
  for (const field of ['account', 'reason', 'idempotencyKey']) {
    each(ids, `reserve ${field}`, (v) => L.reserve!({ ...reserveIn, [field]: v }))
  }
  each(badAmounts, 'reserve amount', (v) => L.reserve!({ ...reserveIn, amount: v }))
  each(badAmounts, 'reserve ttl', (v) => L.reserve!({ ...reserveIn, ttl: v }))
  each(metas, 'reserve metadata', (v) => L.reserve!({ ...reserveIn, metadata: v }))
  // The real hold with one bad field: it must stay open and untouched.
  each(ids, 'settle holdId', (v) => L.settle!({ holdId: v, amount: 1 }))
  each(badCounts, 'settle amount', (v) => L.settle!({ holdId: hold.hold.id, amount: v }))
  each(metas, 'settle metadata', (v) => L.settle!({ holdId: hold.hold.id, amount: 1, metadata: v }))
  each(ids, 'release holdId', (v) => L.release!({ holdId: v }))
  // The real grant with one bad field: nothing may be revoked.
  each(ids, 'revoke grantId', (v) => L.revoke!({ grantId: v, reason: 'r' }))
  each(ids, 'revoke grantIdempotencyKey', (v) => L.revoke!({ grantIdempotencyKey: v, reason: 'r' }))
  each(ids, 'revoke reason', (v) => L.revoke!({ grantId: g.grantId, reason: v }))
  each(ids, 'revoke idempotencyKey', (v) => L.revoke!({ grantId: g.grantId, reason: 'r', idempotencyKey: v }))
  each(badAmounts, 'revoke amount', (v) => L.revoke!({ grantId: g.grantId, reason: 'r', amount: v }))
  each(metas, 'revoke metadata', (v) => L.revoke!({ grantId: g.grantId, reason: 'r', metadata: v }))
  each(ids, 'balance account', (v) => L.balance!(v))
  each(ids, 'verify account', (v) => L.verify!(v))
  each(ids, 'history account', (v) => L.history!(v))
  each(strings, 'history cursor', (v) => L.history!(account, { cursor: v }))

  await expectAllRefused(attempts)

  expect(await snapshot(ledger, raw, account)).toEqual(before)
  // Where a wrongly accepted value would have landed: a NUL cut off, a surrogate made U+FFFD.
  for (const landed of [base, `${base}\uFFFD`, `\uFFFD${base}`, `${base}\uFFFD\uFFFD`]) {
    expect(await raw.entries(landed), `entries of ${JSON.stringify(landed)}`).toEqual([])
    expect((await ledger.balance(landed)).available).toBe(0)
  }
  await expectSound(harness, account)
}

/**
 * 'x\uD800' and 'x\uDC00' would both reach Postgres and Redis as 'x\uFFFD': granting to one and
 * debiting the other must not work, so both are refused outright.
 */
export const surrogateAccountsDoNotMerge: LedgerCheck = async ({ harness }) => {
  const { ledger, raw } = harness
  const base = uid('sur')
  await expectCode(
    ledger.grant({ account: `${base}\uD800`, amount: 100, source: 's', idempotencyKey: uid('k') }),
    'validation_error',
  )
  await expectCode(ledger.debit({ account: `${base}\uDC00`, amount: 60, reason: 'r' }), 'validation_error')
  await expectCode(
    ledger.grant({ account: `${base}\0`, amount: 100, source: 's', idempotencyKey: uid('k') }),
    'validation_error',
  )
  for (const landed of [base, `${base}\uFFFD`]) {
    expect(await raw.entries(landed)).toEqual([])
    expect(await ledger.balance(landed)).toMatchObject({ available: 0, held: 0 })
  }
}

/** Valid ids and metadata at the edges: accepted, kept exactly, and never confused with each other. */
export const edgeValues: LedgerCheck = async ({ harness }) => {
  const { ledger } = harness
  const base = uid('edge')
  const ids = edgeIds(base)
  const before = await Promise.all(ids.map((h) => ledger.balance(h.value)))
  // A different amount per id: any two ids sharing a balance would show as a wrong sum.
  // The unique ids double as their own grant key; the shared prototype names cannot.
  const keyOf = (id: string) => (id.startsWith(base) ? id : uid('k'))
  for (const [i, h] of ids.entries()) {
    await grant(ledger, h.value, 2 + i, { source: h.value, idempotencyKey: keyOf(h.value) })
  }
  for (const [i, h] of ids.entries()) {
    const after = await ledger.balance(h.value)
    expect(after.available - before[i]!.available, `balance of ${h.name}`).toBe(2 + i)
  }
  // Debit and hold on each, with the id as reason and key too; results stay per account.
  for (const [i, h] of ids.entries()) {
    const d = okResult(
      await ledger.debit({ account: h.value, amount: 1, reason: h.value, idempotencyKey: uid('d') }),
      `debit ${h.name}`,
    )
    expect(d.available, `available of ${h.name} after a debit`).toBe(before[i]!.available + 1 + i)
    const held = okResult(await ledger.reserve({ account: h.value, amount: 1, ttl: '1 m', reason: h.value }), 'reserve')
    expect(held.available, `available of ${h.name} after a hold`).toBe(before[i]!.available + i)
  }
  // Metadata at the edges is accepted, and comes back in history as given.
  const account = ids[3]!.value
  await grant(ledger, account, 100)
  for (const m of edgeMetadata()) {
    okResult(await ledger.debit({ account, amount: 1, reason: m.name, metadata: m.value }), `metadata ${m.name}`)
  }
  okResult(await ledger.debit({ account, amount: 1, reason: 'no metadata' }), 'debit')
  const history = await ledger.history(account, { types: ['debit'], limit: 500 })
  for (const m of edgeMetadata()) {
    const entry = history.entries.find((e) => e.reason === m.name)
    expect(entry?.metadata, `metadata ${m.name} as stored`).toEqual(m.value)
  }
  for (const h of ids) if (h.value.startsWith(base)) await expectSound(harness, h.value)
}

/**
 * Idempotency fingerprints are unambiguous: parameters that join to the same text with a
 * separator (amount 1 with reason '5|r' against amount 5 with reason 'r'...) are different calls,
 * so reusing the key is a conflict that writes nothing, never a replay of the other call's result.
 * And the scope of a key is unambiguous too: account 'x|5' with key 'k' and account 'x' with key
 * '5|k' are two accounts' keys, never one record.
 */
export const fingerprintsDoNotCollide: LedgerCheck = async ({ harness }) => {
  const { ledger, raw } = harness
  const a = uid('fp')
  await grant(ledger, a, 100)

  const debitKey = uid('fp-debit')
  okResult(await ledger.debit({ account: a, amount: 1, reason: '5|r', idempotencyKey: debitKey }), 'debit')
  await expectCode(
    ledger.debit({ account: a, amount: 15, reason: 'r', idempotencyKey: debitKey }),
    'idempotency_conflict',
  )

  const grantKey = uid('fp-grant')
  await grant(ledger, a, 1, { source: 's', idempotencyKey: grantKey })
  await expectCode(grant(ledger, a, 5, { source: '1|s', idempotencyKey: grantKey }), 'idempotency_conflict')

  const reserveKey = uid('fp-reserve')
  okResult(
    await ledger.reserve({ account: a, amount: 1, ttl: 60_000, reason: 'r', idempotencyKey: reserveKey }),
    'reserve',
  )
  await expectCode(
    ledger.reserve({ account: a, amount: 1, ttl: 1, reason: '60000|r', idempotencyKey: reserveKey }),
    'idempotency_conflict',
  )

  // Revoke: the grant key and the amount run together the same way.
  const k = uid('fp-gk')
  await grant(ledger, a, 10, { idempotencyKey: k })
  await grant(ledger, a, 10, { idempotencyKey: `${k}|5` })
  const revokeKey = uid('fp-revoke')
  okResult(
    await ledger.revoke({ account: a, grantIdempotencyKey: `${k}|5`, reason: 'r', idempotencyKey: revokeKey }),
    'revoke',
  )
  await expectCode(
    ledger.revoke({ account: a, grantIdempotencyKey: k, amount: 5, reason: '|r', idempotencyKey: revokeKey }),
    'idempotency_conflict',
  )

  // Exactly the first of each pair happened.
  expect(await ledger.balance(a)).toMatchObject({ available: 100 - 1 + 1 - 1 + 10 + 10 - 10, held: 1 })
  expect((await raw.entries(a)).filter((e) => e.type === 'debit').map((e) => e.amount)).toEqual([-1])

  // The (account, key) pair: a separator moved from the account into the key names another record.
  for (const sep of ['|', ':', '}', '{']) {
    const [outer, inner] = [`${a}${sep}5`, a]
    const key = uid('fp-scope')
    await grant(ledger, outer, 7)
    const first = okResult(await ledger.debit({ account: outer, amount: 7, reason: 'r', idempotencyKey: key }), 'debit')
    const second = okResult(
      await ledger.debit({ account: inner, amount: 1, reason: 'r', idempotencyKey: `5${sep}${key}` }),
      'debit',
    )
    expect(first.replayed || second.replayed, `scope with ${sep}`).toBe(false)
    expect((await ledger.balance(outer)).available).toBe(0)
    await expectSound(harness, outer)
  }
  expect((await ledger.balance(a)).available).toBe(109 - 4)
  await expectSound(harness, a)
}
