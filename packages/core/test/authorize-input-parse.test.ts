import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createAuthorizeInputParser } from '../src/authorize-input-parser.js'
import { ValidationError } from '../src/errors.js'
import { authorizeInputSchema, parse } from '../src/schemas.js'
import { assertProperty } from '../src/testing/seeded.js'

/** The outcome of a parse: its output, or the paths and messages it refused. */
function outcome(run: () => unknown): unknown {
  try {
    return { ok: run() }
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error
    return { refused: error.issues.map((i) => `${i.path}: ${i.message}`).sort() }
  }
}

const whole = (input: unknown) => outcome(() => parse(authorizeInputSchema, input, 'authorize'))
const parseAuthorizeInput = createAuthorizeInputParser()
const bySet = (input: unknown) => outcome(() => parseAuthorizeInput(input))

// authorize parses with a schema of the fields present (one per set, made once): it must accept,
// refuse and report exactly what the whole schema does, whatever fields come and whatever they hold.
describe('createAuthorizeInputParser', () => {
  const text = fc.oneof(
    fc.constantFrom('user_1', 'chat', 'a\u0000b', '', '\ud800', 'x'.repeat(300)),
    fc.string({ maxLength: 8 }),
  )
  const value = fc.oneof(
    text,
    fc.constantFrom(5, 0, -1, 2 ** 53, Number.NaN, null, true, '30 s', ['minute'], [], { plan: 'pro' }, { a: [1] }),
  )
  const field = fc.constantFrom(
    'account',
    'feature',
    'price',
    'estimate',
    'limitKey',
    'limitContext',
    'limitRules',
    'spendCaps',
    'userId',
    'plan',
    'idempotencyKey',
    'ttl',
    'metadata',
    'unknownField',
    '__proto__',
    'constructor',
  )

  it('accepts and refuses exactly as the whole schema, field set by field set', () => {
    assertProperty(
      fc.property(fc.dictionary(field, value, { maxKeys: 8 }), (input) => {
        expect(bySet(input)).toEqual(whole(input))
      }),
      { numRuns: 2000 },
    )
  })

  it('refuses an unknown field, a missing account and a hostile account as the whole schema does', () => {
    const cases: unknown[] = [
      { account: 'u', feature: 'chat', estimate: 1, extra: 1 },
      { feature: 'chat', estimate: 1 },
      { account: 'a\u0000b', feature: 'chat', estimate: 1 },
      { account: 'u', feature: 'chat', limitContext: 'pro' },
      Object.assign(Object.create(null), { account: 'u', feature: 'chat', price: 1 }),
      Object.assign(Object.create({ plan: 'inherited' }), { account: 'u', feature: 'chat', price: 1 }),
      null,
      [],
      'u',
    ]
    for (const input of cases) expect(bySet(input), JSON.stringify(input)).toEqual(whole(input))
    expect(bySet({ account: 'u', feature: 'chat', estimate: 1, extra: 1 })).toMatchObject({
      refused: [expect.any(String)],
    })
  })

  it('stays exact past the number of field sets it keeps', () => {
    const optional = ['price', 'estimate', 'limitKey', 'userId', 'plan', 'idempotencyKey', 'ttl', 'metadata']
    for (let set = 0; set < 2 ** optional.length; set++) {
      const input: Record<string, unknown> = { account: 'u', feature: 'chat' }
      optional.forEach((key, i) => {
        if (set & (1 << i)) input[key] = key === 'ttl' ? '30 s' : key === 'metadata' ? { n: 1 } : 'v'
      })
      expect(bySet(input)).toEqual(whole(input))
    }
  })
})
