import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ValidationError } from '../src/errors.js'
import {
  fastConsumeRequest,
  fastDebit,
  fastId,
  fastMetadata,
  fastRelease,
  fastReserve,
  fastSettle,
  fastUsageEvent,
  parseAccount,
} from '../src/fast-parse.js'
import { isCleanString } from '../src/input-rules.js'
import { normalizeDebit, normalizeRelease, normalizeReserve, normalizeSettle } from '../src/ledger/normalize.js'
import { normalizeDebitWithZod, normalizeReserveWithZod, normalizeSettleWithZod } from '../src/ledger/normalize-zod.js'
import {
  accountSchema,
  consumeRequestSchema,
  MAX_ID_LENGTH,
  MAX_NAME_LENGTH,
  metadataSchema,
  parse,
  RULE_KINDS,
  releaseInputSchema,
  USAGE_STATUSES,
} from '../src/schemas.js'
import { assertProperty } from '../src/testing/seeded.js'
import { normalizeUsageEvent } from '../src/usage/normalize.js'
import { normalizeUsageEventWithZod } from '../src/usage/normalize-zod.js'

// The hand-written hot-path checks (src/fast-parse.ts) against the zod schemas they stand in
// for, on random input, valid and not: whenever a fast path accepts, zod accepts with the same
// normalised value; the public normaliser (fast path, then zod) answers exactly as zod alone,
// values and ValidationError issues alike; and the common valid shapes do take the fast path.

const RUNS = 600
const NOW = 1_700_000_000_000

/** What zod (or a normaliser) made of an input: a value or the ValidationError's message and issues. */
function outcome(f: () => unknown): { ok: true; value: unknown } | { ok: false; message: string; issues: unknown } {
  try {
    return { ok: true, value: f() }
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error
    return { ok: false, message: error.message, issues: error.issues }
  }
}

/**
 * `v` with null-prototype objects rebuilt on Object.prototype. A fast path may hand back the
 * caller's own null-prototype object where zod builds a fresh plain one: the same keys and values.
 */
function canon(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canon)
  if (typeof v !== 'object' || v === null) return v
  const proto = Object.getPrototypeOf(v)
  if (proto !== null && proto !== Object.prototype) return v
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, canon(x)]))
}

class Shaped {
  constructor(fields: object) {
    Object.assign(this, fields)
  }
}

const weird: unknown[] = [
  undefined,
  null,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
  0,
  -1,
  1.5,
  2 ** 53,
  Number.MAX_SAFE_INTEGER,
  1e300,
  '',
  ' ',
  '1',
  '10 m',
  'ok',
  'hold',
  'x'.repeat(MAX_NAME_LENGTH + 1),
  'x'.repeat(MAX_ID_LENGTH),
  'x'.repeat(MAX_ID_LENGTH + 1),
  // 200 UTF-16 units, 100 code points; then 202 units that are 101 code points (zod counts points)
  '😀'.repeat(MAX_ID_LENGTH / 2),
  '😀'.repeat(MAX_ID_LENGTH / 2 + 1),
  '\ud800',
  'x\udc00',
  '\u0000',
  'a\u0000b',
  '\ud83d\ude00',
  true,
  false,
  [],
  [1],
  {},
  Object.create(null),
  new Date(0),
  new Date(Number.NaN),
  new Shaped({ a: 1 }),
  { [Symbol('s')]: 1 },
  JSON.parse('{"__proto__": {"x": 1}}'),
  { constructor: () => {} },
  { constructor: 'x' },
  () => {},
  Symbol('v'),
  10n,
]
const nasty: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constantFrom(...weird), weight: 4 },
  { arbitrary: fc.anything(), weight: 1 },
  // mostly not plain JSON metadata: undefined, -0, holes, odd keys
  { arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), fc.anything(), { maxKeys: 3 }), weight: 1 },
)

const ABSENT = Symbol('absent')
// Valid strings are well-formed and NUL-free (the input rules); 'binary' units bring both.
const clean = (a: fc.Arbitrary<string>) => a.filter(isCleanString)
const asciiId = clean(fc.string({ minLength: 1, maxLength: MAX_ID_LENGTH }))
const anyId = fc.oneof(asciiId, clean(fc.string({ minLength: 1, maxLength: 120, unit: 'binary' })))
const amount = fc.oneof(fc.integer({ min: 1, max: 1_000_000 }), fc.constant(Number.MAX_SAFE_INTEGER))
const count = fc.oneof(fc.constant(0), amount)
const metadataKey = clean(fc.string({ maxLength: 8 })).filter((k) => k !== '__proto__' && k !== 'constructor')
const plainMetadata = fc.dictionary(metadataKey, fc.jsonValue(), { maxKeys: 4 })

type Fields = Record<string, { valid: fc.Arbitrary<unknown>; optional: boolean }>

/**
 * Valid objects with up to three changes (a field set to something odd, a field removed, a key
 * added), so each odd value is met with every other field valid; sometimes not a plain object
 * at all (null prototype, class instance, array, primitive).
 */
function inputs(fields: Fields): fc.Arbitrary<unknown> {
  const keys = Object.keys(fields)
  const change = fc.oneof(
    { arbitrary: fc.record({ op: fc.constant('set'), key: fc.constantFrom(...keys), value: nasty }), weight: 4 },
    {
      arbitrary: fc.record({ op: fc.constant('delete'), key: fc.constantFrom(...keys), value: fc.constant(0) }),
      weight: 1,
    },
    { arbitrary: fc.record({ op: fc.constant('set'), key: fc.string({ maxLength: 6 }), value: nasty }), weight: 1 },
  )
  return fc
    .record({
      values: validInputs(fields),
      changes: fc.array(change, { maxLength: 3 }),
      shape: fc.constantFrom('plain', 'plain', 'plain', 'plain', 'plain', 'null-proto', 'class', 'array', 'primitive'),
      primitive: nasty,
    })
    .map(({ values, changes, shape, primitive }) => {
      const fieldsOut: Record<string, unknown> = { ...values }
      for (const c of changes) {
        if (c.op === 'delete') delete fieldsOut[c.key]
        else fieldsOut[c.key] = c.value
      }
      return shaped(fieldsOut, shape, primitive)
    })
}

/** `fields` as an object of the given shape (or `primitive` instead). */
function shaped(fields: Record<string, unknown>, shape: string, primitive: unknown): unknown {
  switch (shape) {
    case 'null-proto':
      return Object.assign(Object.create(null), fields)
    case 'class':
      return new Shaped(fields)
    case 'array': {
      // An array keeps its own length: assigning a random value to it would throw (a symbol,
      // 1e300) or cut the array, so a 'length' field is left out of this shape.
      const { length: _, ...rest } = fields
      return Object.assign([], rest)
    }
    case 'primitive':
      return primitive
    default:
      return fields
  }
}

describe('the input generator', () => {
  // A random key may be 'length': on an array shape its value must not be assigned as the
  // array's length (a symbol or 1e300 there made the generator itself throw on some seeds).
  it('builds every shape whatever the keys and values', () => {
    for (const value of [Symbol('v'), 1e300, -1, 1.5, 'x', 3]) {
      const fields = { account: 'a', length: value }
      for (const shape of ['plain', 'null-proto', 'class']) {
        expect((shaped(fields, shape, value) as Record<string, unknown>).length).toBe(value)
      }
      const array = shaped(fields, 'array', value) as unknown[] & { account?: unknown }
      expect(Array.isArray(array) && array.account === 'a' && array.length === 0).toBe(true)
      expect(shaped(fields, 'primitive', value)).toBe(value)
    }
  })
})

/** Plainly valid objects: every field valid or (when optional) missing. */
function validInputs(fields: Fields): fc.Arbitrary<Record<string, unknown>> {
  const entries = Object.fromEntries(
    Object.entries(fields).map(([k, f]) => [
      k,
      f.optional ? fc.oneof(f.valid, fc.constant(ABSENT), fc.constant(undefined)) : f.valid,
    ]),
  )
  return fc.record(entries).map((v) => {
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) if (x !== ABSENT) out[k] = x
    return out
  })
}

/**
 * The three properties for one input type: `fast` accepts only what `zod` accepts and with the
 * same value; `normalize` (the public path) answers exactly as `zod`; valid shapes go fast.
 */
function agree(
  name: string,
  fields: Fields,
  fast: (input: unknown) => unknown,
  zod: (input: never) => unknown,
  normalize: (input: never) => unknown,
  { coverage = true } = {},
) {
  describe(name, () => {
    it('accepts only what zod accepts, with the same normalised value', () => {
      assertProperty(
        fc.property(fc.oneof(inputs(fields), validInputs(fields)), (input) => {
          const reference = outcome(() => zod(input as never))
          const quick = fast(input)
          if (quick !== undefined) expect(canon(reference)).toStrictEqual(canon({ ok: true, value: quick }))
          expect(canon(outcome(() => normalize(input as never)))).toStrictEqual(canon(reference))
        }),
        { numRuns: RUNS },
      )
    })

    if (coverage) {
      it('takes the fast path for the common valid shapes', () => {
        assertProperty(
          fc.property(validInputs(fields), (input) => {
            expect(fast(input)).toStrictEqual(zod(input as never))
          }),
          { numRuns: RUNS / 3 },
        )
      })
    }
  })
}

const id = { valid: anyId, optional: false }
const optionalId = { valid: anyId, optional: true }
const optionalMetadata = { valid: plainMetadata, optional: true }

agree(
  'reserve',
  {
    account: id,
    amount: { valid: amount, optional: false },
    ttl: { valid: amount, optional: false },
    reason: optionalId,
    idempotencyKey: optionalId,
    metadata: optionalMetadata,
  },
  fastReserve,
  normalizeReserveWithZod,
  normalizeReserve,
)

agree(
  'debit',
  {
    account: id,
    amount: { valid: amount, optional: false },
    reason: id,
    idempotencyKey: optionalId,
    metadata: optionalMetadata,
  },
  fastDebit,
  normalizeDebitWithZod,
  normalizeDebit,
)

agree(
  'settle',
  { holdId: id, amount: { valid: count, optional: false }, metadata: optionalMetadata },
  fastSettle,
  normalizeSettleWithZod,
  normalizeSettle,
)

agree('release', { holdId: id }, fastRelease, (input) => parse(releaseInputSchema, input, 'release'), normalizeRelease)

const nullableText = fc.oneof(fc.constant(null), clean(fc.string({ maxLength: MAX_ID_LENGTH })))
agree(
  'usage event',
  {
    account: id,
    userId: { valid: nullableText, optional: true },
    feature: { valid: clean(fc.string({ minLength: 1, maxLength: MAX_NAME_LENGTH })), optional: false },
    amount: { valid: count, optional: false },
    shortfall: { valid: count, optional: true },
    model: { valid: nullableText, optional: true },
    inputTokens: { valid: count, optional: true },
    cachedInputTokens: { valid: count, optional: true },
    outputTokens: { valid: count, optional: true },
    quantity: { valid: count, optional: true },
    status: { valid: fc.constantFrom(...USAGE_STATUSES), optional: false },
    latencyMs: { valid: fc.oneof(fc.constant(null), count), optional: true },
    metadata: { valid: fc.oneof(fc.constant(null), plainMetadata), optional: true },
    at: { valid: fc.oneof(count, fc.date({ noInvalidDate: true })), optional: true },
  },
  (input) => fastUsageEvent(input, NOW),
  (input) => normalizeUsageEventWithZod(input, NOW),
  (input) => normalizeUsageEvent(input, NOW),
)

const ruleFields: Fields = {
  kind: { valid: fc.constantFrom(...RULE_KINDS), optional: false },
  limit: { valid: amount, optional: false },
  windowMs: { valid: amount, optional: false },
  refillAmount: { valid: count, optional: false },
}
// A small pool of keys and names, so repeated (key, name) pairs come up.
const itemFields = (rule: fc.Arbitrary<unknown>): Fields => ({
  key: { valid: fc.oneof(fc.constantFrom('a', 'b'), anyId), optional: false },
  name: {
    valid: fc.oneof(fc.constantFrom('m', 'd'), clean(fc.string({ minLength: 1, maxLength: MAX_NAME_LENGTH }))),
    optional: false,
  },
  rule: { valid: rule, optional: false },
  cost: { valid: count, optional: false },
})
const consumeZod = (input: unknown) => parse(consumeRequestSchema, input, 'consume request')
agree(
  'consume request',
  {
    items: {
      valid: fc.array(
        fc.oneof(
          { arbitrary: inputs(itemFields(inputs(ruleFields))), weight: 1 },
          { arbitrary: validInputs(itemFields(validInputs(ruleFields))), weight: 4 },
        ),
        { minLength: 0, maxLength: 34 },
      ),
      optional: false,
    },
    dryRun: { valid: fc.boolean(), optional: true },
  },
  fastConsumeRequest,
  consumeZod,
  (input) => fastConsumeRequest(input) ?? consumeZod(input),
  // Valid items are not enough here (refinements, unique pairs): covered below.
  { coverage: false },
)

describe('consume request: valid shapes', () => {
  // Valid rules (refinements included) and unique (key, name) pairs take the fast path.
  const rule = validInputs(ruleFields).filter(
    (r) =>
      (r.kind !== 'token_bucket' || (r.refillAmount as number) > 0) &&
      (r.kind !== 'sliding_window' || Number.isSafeInteger((r.limit as number) * (r.windowMs as number))),
  )
  it('takes the fast path', () => {
    assertProperty(
      fc.property(
        fc.uniqueArray(validInputs(itemFields(rule)), {
          minLength: 1,
          maxLength: 32,
          selector: (i) => `${i.key}\u0000${i.name}`,
        }),
        fc.option(fc.boolean(), { nil: undefined }),
        (items, dryRun) => {
          const request = dryRun === undefined ? { items } : { items, dryRun }
          expect(fastConsumeRequest(request)).toStrictEqual(consumeZod(request))
        },
      ),
      { numRuns: RUNS / 3 },
    )
  })
})

describe('account id and metadata', () => {
  it('agree with accountSchema and metadataSchema', () => {
    assertProperty(
      fc.property(fc.oneof(anyId, nasty, plainMetadata), (input) => {
        const reference = outcome(() => parse(accountSchema, input, 'account'))
        const quick = fastId(input)
        if (quick !== undefined) expect(reference).toStrictEqual({ ok: true, value: quick })
        expect(outcome(() => parseAccount(input))).toStrictEqual(reference)
        const meta = fastMetadata(input)
        if (meta !== undefined)
          expect(outcome(() => parse(metadataSchema, input))).toStrictEqual({ ok: true, value: meta })
      }),
      { numRuns: RUNS },
    )
  })
})
