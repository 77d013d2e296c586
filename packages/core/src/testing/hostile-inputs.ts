/**
 * Adversarial values for the input rules of docs/semantics.md ("Input rules"), shared by the
 * conformance checks of every port (hostile-checks-*.ts) and by HTTP tests. Each `bad*` value
 * must be refused with a `ValidationError` before any store sees it; each `edge*` value is valid
 * and must work, and stay distinct from its neighbours.
 *
 * Builders take a unique `base` so that a refused value that a store wrongly accepted would
 * show up under a predictable, unshared name (`base + '\uFFFD'` for a surrogate turned into
 * U+FFFD by a driver, `base` for a NUL cut off).
 */

/** One hostile value with a name for the test report. */
export interface Hostile<T = unknown> {
  name: string
  value: T
}

const ONE_MB = 1 << 20

/** Strings no store may accept as an id, key, reason, name or any other stored text. */
export function badStrings(base: string): Array<Hostile<string>> {
  return [
    { name: 'NUL alone', value: '\0' },
    { name: 'NUL first', value: `\0${base}` },
    { name: 'NUL inside', value: `${base.slice(0, 3)}\0${base.slice(3)}` },
    { name: 'NUL last', value: `${base}\0` },
    { name: 'lone high surrogate last', value: `${base}\uD800` },
    { name: 'lone low surrogate last', value: `${base}\uDC00` },
    { name: 'lone high surrogate first', value: `\uDBFF${base}` },
    { name: 'lone low surrogate inside', value: `${base.slice(0, 3)}\uDFFF${base.slice(3)}` },
    { name: 'reversed surrogate pair', value: `${base}\uDE00\uD83D` },
    { name: 'high surrogate then NUL', value: `${base}\uD800\0` },
  ]
}

/** Identifying strings refused for their length or emptiness (ids and keys are 1..200 code points). */
export function badIdLengths(base: string): Array<Hostile<string>> {
  return [
    { name: 'empty string', value: '' },
    { name: '1 MB id', value: `${base}${'x'.repeat(ONE_MB)}` },
    { name: '201 code points', value: 'x'.repeat(201) },
  ]
}

/** Every string refused where an id (1..200 code points) is expected, and non-strings too. */
export function badIds(base: string): Array<Hostile<unknown>> {
  return [
    ...badStrings(base),
    ...badIdLengths(base),
    { name: 'number', value: 1 },
    { name: 'null', value: null },
    { name: 'object', value: { toString: () => base } },
  ]
}

/** Values refused as a positive amount (a safe integer > 0). */
export const badAmounts: Array<Hostile<unknown>> = [
  { name: '2^53', value: 2 ** 53 },
  { name: '-0', value: -0 },
  { name: '0', value: 0 },
  { name: '-1', value: -1 },
  { name: 'NaN', value: Number.NaN },
  { name: 'Infinity', value: Number.POSITIVE_INFINITY },
  { name: '-Infinity', value: Number.NEGATIVE_INFINITY },
  { name: '1.5', value: 1.5 },
  { name: "'1'", value: '1' },
  { name: '1e21', value: 1e21 },
  { name: 'bigint 1n', value: 1n },
  { name: 'null', value: null },
]

/** Values refused as a count (a safe integer >= 0): the bad amounts except 0 and -0. */
export const badCounts: Array<Hostile<unknown>> = badAmounts.filter((h) => h.name !== '0' && h.name !== '-0')

class Point {
  constructor(
    public x = 1,
    public y = 2,
  ) {}
}

/** Nested `depth` levels deep: `{ a: { a: ... } }`. */
export function nested(depth: number): Record<string, unknown> {
  let v: Record<string, unknown> = { leaf: true }
  for (let i = 1; i < depth; i++) v = { a: v }
  return v
}

/** Metadata values no store may accept: not plain JSON, or holding a string no store can keep. */
export function badMetadata(): Array<Hostile<unknown>> {
  const circular: Record<string, unknown> = { a: 1 }
  circular.self = circular
  const deepCycle: Record<string, unknown> = { list: [{ x: 1 }] }
  ;(deepCycle.list as Array<Record<string, unknown>>)[0]!.back = deepCycle
  const withGetter = Object.defineProperty({}, 'x', { get: () => 1, enumerable: true })
  return [
    { name: 'circular', value: circular },
    { name: 'cycle through an array', value: deepCycle },
    { name: 'BigInt value', value: { n: 10n } },
    { name: 'Date value', value: { at: new Date(0) } },
    { name: 'Map value', value: { m: new Map([['a', 1]]) } },
    { name: 'Set value', value: { s: new Set([1]) } },
    { name: 'class instance value', value: { p: new Point() } },
    { name: 'class instance as metadata', value: new Point() },
    { name: 'Date as metadata', value: new Date(0) },
    { name: 'Map as metadata', value: new Map([['a', 1]]) },
    { name: 'array as metadata', value: [1, 2] },
    { name: 'string as metadata', value: 'not an object' },
    { name: 'toJSON', value: { toJSON: () => ({ a: 1 }) } },
    { name: 'function value', value: { f: () => 1 } },
    { name: 'symbol value', value: { s: Symbol('s') } },
    { name: 'symbol key', value: { [Symbol('k')]: 1 } },
    { name: 'undefined value', value: { u: undefined } },
    { name: 'undefined in an array', value: { list: [1, undefined] } },
    { name: 'hole in an array', value: { list: holey() } },
    { name: 'NaN value', value: { n: Number.NaN } },
    { name: 'Infinity value', value: { n: Number.POSITIVE_INFINITY } },
    { name: 'NUL in a value', value: { s: 'a\0b' } },
    { name: 'NUL in a key', value: { 'a\0b': 1 } },
    { name: 'lone high surrogate in a value', value: { s: 'x\uD800' } },
    { name: 'lone low surrogate in a key', value: { 'x\uDC00': 1 } },
    { name: 'lone surrogate deep inside', value: { a: [{ b: ['ok', 'x\uDFFF'] }] } },
    { name: '__proto__ key', value: JSON.parse('{"__proto__": {"polluted": true}}') },
    { name: 'getter', value: withGetter },
    { name: 'nested 33 deep', value: nested(33) },
    { name: 'nested 100000 deep', value: nested(100_000) },
  ]
}

/** Metadata that is plain JSON at the edges of the rules: must be accepted and kept as given. */
export function edgeMetadata(): Array<Hostile<Record<string, unknown>>> {
  return [
    { name: 'empty', value: {} },
    { name: 'constructor key', value: { constructor: 'x', toString: 1, hasOwnProperty: null } },
    { name: 'non-BMP emoji', value: { '😀': '🧪 ok', list: ['𝄞'] } },
    { name: 'numbers at the edges', value: { max: 2 ** 53 - 1, big: 1e21, neg: -1.5, zero: 0 } },
    { name: 'nested 32 deep', value: nested(32) },
    { name: 'shared (not circular) object', value: sharedTwice() },
  ]
}

function sharedTwice(): Record<string, unknown> {
  const shared = { x: 1 }
  return { a: shared, b: [shared] }
}

/**
 * Valid identifying strings that naive stores confuse: prototype names, separators used by
 * string-built keys and fingerprints, non-BMP characters (2 UTF-16 units, 1 code point).
 * Ones derived from `base` are unique; the literal prototype names are shared between runs, so
 * checks compare their balances before and after, never against zero.
 */
export function edgeIds(base: string): Array<Hostile<string>> {
  return [
    { name: '__proto__', value: '__proto__' },
    { name: 'constructor', value: 'constructor' },
    { name: 'hasOwnProperty', value: 'hasOwnProperty' },
    { name: 'base', value: base },
    { name: 'pipe and digit', value: `${base}|5` },
    { name: 'pipes', value: `${base}|` },
    { name: 'colon', value: `${base}:5` },
    { name: 'quote and backslash', value: `${base}"\\` },
    { name: 'emoji', value: `${base}😀` },
    { name: 'other emoji', value: `${base}😁` },
    { name: 'U+FFFD (what a lone surrogate would become)', value: `${base}\uFFFD` },
    { name: 'space', value: `${base} ` },
    { name: '200 code points', value: `${base}${'😀'.repeat(200 - [...base].length)}` },
  ]
}

/** `[1, <hole>, 3]`: JSON writes the hole as null, so a store would keep something not given. */
function holey(): unknown[] {
  const list: unknown[] = [1]
  list[2] = 3
  return list
}
