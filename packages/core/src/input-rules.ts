import type { Metadata } from './ledger/types.js'

/**
 * The input rules of docs/semantics.md ("Input rules") that are not lengths or ranges: every
 * string a store keeps must be well-formed Unicode without NUL, and metadata must be plain JSON.
 * The zod schemas (schemas.ts) call these, so every input is checked by one implementation.
 *
 * Why: PostgreSQL text cannot hold NUL, and the Postgres and Redis drivers encode a lone
 * surrogate as U+FFFD, so `'x\uD800'` and `'x\uDC00'` would reach the store as one string.
 */

// One scan finds both NUL and any surrogate; well-formedness is only worth checking after that.
const SUSPECT = /[\0\uD800-\uDFFF]/
const wellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed()

/** Why `s` breaks the string rule, or null when it is well-formed and NUL-free. */
export function stringProblem(s: string): string | null {
  if (!SUSPECT.test(s)) return null
  if (s.includes('\0')) return 'must not contain NUL (U+0000)'
  return wellFormed(s) ? null : 'must be well-formed Unicode (no lone surrogate)'
}

/** True when `s` is well-formed Unicode without NUL: what every store can keep and tell apart. */
export function isCleanString(s: string): boolean {
  return stringProblem(s) === null
}

/** Deepest nesting of arrays and objects accepted in metadata (the metadata object itself is 1). */
export const MAX_METADATA_DEPTH = 32

/** Outcome of checking metadata: a plain-data copy, or the first problem and where it is. */
export type MetadataCheck = { ok: true; value: Metadata } | { ok: false; path: Array<string | number>; message: string }

/** One object or array being copied: its keys and how far the walk got. */
interface Frame {
  source: object
  target: Record<string, unknown> | unknown[]
  path: Array<string | number>
  keys: Array<string | number>
  i: number
}

/**
 * Checks that `v` is a plain JSON object (values null, booleans, finite numbers, clean strings,
 * arrays and plain objects of these; keys clean strings other than `__proto__`) and returns a
 * deep copy of it. The copy is built from the values read during the check, so what a store
 * writes is exactly what was checked, even if a getter or a later mutation would say otherwise.
 * Iterative, so deep nesting is a ValidationError and never a stack overflow.
 */
export function checkMetadata(v: unknown): MetadataCheck {
  if (!isPlainObject(v)) return fail([], 'must be a plain object of JSON values')
  const root: Record<string, unknown> = {}
  const onPath = new Set<object>([v])
  // Depth-first, with the objects on the current path in `onPath` to tell a cycle from sharing.
  const stack: Frame[] = [{ source: v, target: root, path: [], keys: Object.keys(v), i: 0 }]
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!
    if (top.i === top.keys.length) {
      onPath.delete(top.source)
      stack.pop()
      continue
    }
    const key = top.keys[top.i++]!
    const path = [...top.path, key]
    if (typeof key === 'string') {
      if (key === '__proto__') return fail(path, 'must not use the key "__proto__"')
      const problem = stringProblem(key)
      if (problem) return fail(path, `key ${problem}`)
    }
    const value = (top.source as Record<string | number, unknown>)[key]
    const leaf = leafValue(value)
    if (leaf.ok) {
      setOwn(top.target, key, leaf.value)
      continue
    }
    if (leaf.message) return fail(path, leaf.message)
    const child = value as object
    if (onPath.has(child)) return fail(path, 'must not contain a cycle')
    if (stack.length >= MAX_METADATA_DEPTH) return fail(path, `must be nested at most ${MAX_METADATA_DEPTH} deep`)
    const isArray = Array.isArray(child)
    const target: Record<string, unknown> | unknown[] = isArray ? [] : {}
    setOwn(top.target, key, target)
    onPath.add(child)
    stack.push({ source: child, target, path, keys: isArray ? indices(child as unknown[]) : Object.keys(child), i: 0 })
  }
  return { ok: true, value: root }
}

function fail(path: Array<string | number>, message: string): MetadataCheck {
  return { ok: false, path, message }
}

/** A JSON leaf as it is copied, `{ ok: false }` for a container to descend into, or why `v` is refused. */
function leafValue(v: unknown): { ok: true; value: unknown } | { ok: false; message?: string } {
  switch (typeof v) {
    case 'string': {
      const problem = stringProblem(v)
      return problem ? { ok: false, message: problem } : { ok: true, value: v }
    }
    case 'number':
      return Number.isFinite(v) ? { ok: true, value: v } : { ok: false, message: 'must be a finite number' }
    case 'boolean':
      return { ok: true, value: v }
    case 'object':
      if (v === null) return { ok: true, value: null }
      if (isPlainObject(v) || isPlainArray(v)) return { ok: false }
      return { ok: false, message: 'must be JSON: null, boolean, number, string, array or plain object' }
    default:
      // bigint, undefined, function, symbol: JSON has no such value
      return { ok: false, message: `must be JSON, not ${typeof v}` }
  }
}

/**
 * An object made by `{}`, `Object.create(null)` or JSON.parse: no class, no symbol keys, no
 * accessors, and no `toJSON` (which would make its JSON something else than its fields).
 */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false
  const proto = Object.getPrototypeOf(v)
  if (proto !== Object.prototype && proto !== null) return false
  return Object.getOwnPropertySymbols(v).length === 0 && dataOnly(v)
}

function isPlainArray(v: unknown): v is unknown[] {
  if (!Array.isArray(v) || Object.getPrototypeOf(v) !== Array.prototype) return false
  // Only the indices and length: a named property or a hole would not survive JSON.
  const keys = Object.keys(v)
  if (keys.length !== v.length || Object.getOwnPropertySymbols(v).length > 0) return false
  return dataOnly(v)
}

/** No getters or setters: a getter could show the check one value and the store another. */
function dataOnly(o: object): boolean {
  for (const key of Object.keys(o)) {
    const d = Object.getOwnPropertyDescriptor(o, key)
    if (d === undefined || !('value' in d)) return false
  }
  // A non-enumerable own property is invisible to JSON but would still be copied by some stores.
  return Object.getOwnPropertyNames(o).length === Object.keys(o).length + (Array.isArray(o) ? 1 : 0)
}

function indices(a: unknown[]): number[] {
  return Array.from(a, (_, i) => i)
}

/** Defines rather than assigns, so a key never reaches a setter on the prototype. */
function setOwn(target: Record<string, unknown> | unknown[], key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true })
}
