import { expect } from 'vitest'
import type { Entry, EntryType, Ledger } from '../ledger/types.js'
import { entriesSum, expectCode, expectSound, grant, type LedgerCheck, okResult, uid } from './ledger-check-kit.js'

/** Keyset pages newest first; walking the cursors returns every entry exactly once. */
export const history: LedgerCheck = async ({ harness }) => {
  const { ledger } = harness
  const account = uid('history')
  expect(await ledger.history(account)).toEqual({ entries: [], nextCursor: null })
  const g = await grant(ledger, account, 100)
  const ids = [g.entryId]
  for (let i = 0; i < 11; i++) {
    ids.push(okResult(await ledger.debit({ account, amount: 1, reason: `d${i}` }), 'debit').entryId)
  }
  const newestFirst = [...ids].reverse()

  const pages = await walk(ledger, account, 5)
  expect(pages.map((p) => p.length)).toEqual([5, 5, 2])
  expect(pages.flat().map((e) => e.id)).toEqual(newestFirst)
  expect(pages.flat().map((e) => e.reason)).toEqual([...Array.from({ length: 11 }, (_, i) => `d${10 - i}`), 'test'])

  // A last page that is exactly full says so: no cursor to an empty page.
  expect((await walk(ledger, account, 6)).map((p) => p.length)).toEqual([6, 6])
  expect((await walk(ledger, account, 12)).map((p) => p.length)).toEqual([12])
  expect((await ledger.history(account)).entries.map((e) => e.id)).toEqual(newestFirst)

  const grants = await walk(ledger, account, 2, ['grant'])
  expect(
    grants.flat().map((e) => e.id),
    'types filter',
  ).toEqual([g.entryId])
  const debits = await walk(ledger, account, 4, ['debit'])
  expect(debits.map((p) => p.length)).toEqual([4, 4, 3])
  expect(debits.flat().every((e) => e.type === 'debit' && e.amount === -1)).toBe(true)
  expect((await walk(ledger, account, 3, ['grant', 'debit'])).flat()).toHaveLength(12)
  expect((await walk(ledger, account, 3, ['revoke'])).flat()).toEqual([])

  // Entries written after a page was read appear on the first page, not inside the walk.
  const first = await ledger.history(account, { limit: 3 })
  okResult(await ledger.debit({ account, amount: 1, reason: 'later' }), 'debit')
  const second = await ledger.history(account, { limit: 3, cursor: first.nextCursor })
  expect(second.entries.map((e) => e.id)).toEqual(newestFirst.slice(3, 6))

  await expectCode(ledger.history(account, { cursor: 'not-a-cursor' }), 'validation_error')
  await expectSound(harness, account)
}

async function walk(ledger: Ledger, account: string, limit: number, types?: EntryType[]): Promise<Entry[][]> {
  const pages: Entry[][] = []
  let cursor: string | null = null
  do {
    const page = await ledger.history(account, { limit, cursor, ...(types ? { types } : {}) })
    pages.push(page.entries)
    cursor = page.nextCursor
    if (pages.length > 1000) throw new Error('history cursor walk does not end')
  } while (cursor !== null)
  return pages
}

/** Bad input throws ValidationError naming the field, and writes nothing. */
export const invalidInput: LedgerCheck = async ({ harness }) => {
  const { ledger, raw } = harness
  const account = uid('invalid')
  const key = () => uid('k')
  const g = (over: Record<string, unknown>) =>
    ledger.grant({ account, amount: 10, source: 's', idempotencyKey: key(), ...over } as never)
  const d = (over: Record<string, unknown>) => ledger.debit({ account, amount: 10, reason: 'r', ...over } as never)
  const r = (over: Record<string, unknown>) => ledger.reserve({ account, amount: 10, ttl: '1 m', ...over } as never)
  const badAmounts = [0, -5, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1, '10']

  const cases: Array<[string, () => Promise<unknown>]> = [
    ...badAmounts.map((amount): [string, () => Promise<unknown>] => ['amount', () => g({ amount })]),
    ...badAmounts.map((amount): [string, () => Promise<unknown>] => ['amount', () => d({ amount })]),
    ...badAmounts.map((amount): [string, () => Promise<unknown>] => ['amount', () => r({ amount })]),
    ['account', () => g({ account: '' })],
    ['account', () => d({ account: '' })],
    ['account', () => r({ account: '' })],
    ['account', () => d({ account: 'x'.repeat(201) })],
    ['idempotencyKey', () => g({ idempotencyKey: undefined })],
    ['idempotencyKey', () => d({ idempotencyKey: '' })],
    ['source', () => g({ source: '' })],
    ['reason', () => d({ reason: '' })],
    ['expiresAt', () => g({ expiresAt: 'tomorrow' })],
    ['priority', () => g({ priority: 1.5 })],
    ['metadata', () => g({ metadata: 'not an object' })],
    ['bonus', () => g({ bonus: 1 })],
    ['extra', () => d({ extra: true })],
    ['ttl', () => r({ ttl: 0 })],
    ['ttl', () => r({ ttl: 'forever' })],
    ['amount', () => ledger.settle({ holdId: 'h', amount: -1 })],
    ['amount', () => ledger.settle({ holdId: 'h', amount: 0.5 })],
    ['holdId', () => ledger.settle({ holdId: '', amount: 1 })],
    ['holdId', () => ledger.release({ holdId: '' })],
    ['force', () => ledger.release({ holdId: 'h', force: true } as never)],
    ['grantId', () => ledger.revoke({ account, reason: 'r' })],
    ['account', () => ledger.revoke({ grantId: 'a', reason: 'r' } as never)],
    ['account', () => ledger.revoke({ account: '', grantId: 'a', reason: 'r' })],
    ['grantId', () => ledger.revoke({ account, grantId: 'a', grantIdempotencyKey: 'b', reason: 'r' })],
    ['amount', () => ledger.revoke({ account, grantId: 'a', amount: 0, reason: 'r' })],
    ['limit', () => ledger.history(account, { limit: 0 })],
    ['limit', () => ledger.history(account, { limit: 501 })],
    ['types', () => ledger.history(account, { types: ['bogus' as EntryType] })],
  ]
  for (const [field, call] of cases) {
    const error = (await expectCode(call(), 'validation_error')) as {
      issues?: Array<{ path: string; message: string }>
    }
    expect(Array.isArray(error.issues), `issues of the ${field} error`).toBe(true)
    const named = error.issues!.some(
      (i) => i.path === field || i.path.startsWith(`${field}.`) || i.message.includes(`"${field}"`),
    )
    expect(named, `an issue names "${field}": ${JSON.stringify(error.issues)}`).toBe(true)
  }

  // Bare account arguments: the code is what matters (the issue path may be empty).
  for (const bad of ['', 'x'.repeat(201)]) {
    await expectCode(ledger.balance(bad), 'validation_error')
    await expectCode(ledger.verify(bad), 'validation_error')
    await expectCode(ledger.history(bad), 'validation_error')
  }

  expect(await raw.entries(account)).toEqual([])
  expect(await raw.grants(account)).toEqual([])
  expect(await raw.entries('')).toEqual([])
  expect(await ledger.balance(account)).toMatchObject({ available: 0, held: 0, grants: [] })
  expect(await entriesSum(raw, account)).toBe(0)
  await expectSound(harness, account)
}
