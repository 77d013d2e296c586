import { StoreUnavailableError, ValidationError } from '@metered/core'
import { describe, expect, it } from 'vitest'
import { type Ctx, callFn, jsonParam } from '../src/call.js'
import { quoteSchema } from '../src/schema-name.js'
import { backends, openPerTest } from './harness.js'

// Core refuses NUL and lone surrogates before any store sees them. Should such text reach
// PostgreSQL anyway (a caller of the SQL layer, or a gap in validation), its refusal is bad
// input, never "store unavailable": callFn is the adapter's path to every function.
describe.each(backends)('postgres ($name): text PostgreSQL cannot store', (backend) => {
  const openFresh = openPerTest(backend)

  it('a NUL in a text argument or in metadata is a ValidationError, and nothing is written', async () => {
    const open = await openFresh()
    const ctx: Ctx = { db: open.db, s: quoteSchema(open.schema), clock: undefined, calls: new Map() }
    const grant = (account: string, metadata: unknown) =>
      callFn(ctx, 'grant_credits', [
        [account, 'text'],
        [5, 'bigint'],
        ['s', 'text'],
        [null, 'bigint'],
        [0, 'integer'],
        [`k-${account}`, 'text'],
        ['fp', 'text'],
        jsonParam(metadata),
        [null, 'bigint'],
      ])
    for (const [account, metadata] of [
      ['a\u0000b', null],
      ['a', { note: 'x\u0000y' }],
      ['a', { 'k\u0000': 1 }],
      ['a', { note: 'x\uD800' }],
    ] as const) {
      const error = await grant(account, metadata).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ValidationError)
      expect(error).not.toBeInstanceOf(StoreUnavailableError)
      expect((error as Error).message).not.toMatch(/select|\$1/i)
    }
    expect(await open.stores.ledger.balance('a')).toMatchObject({ available: 0 })
  })
})
