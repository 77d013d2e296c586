/**
 * Every exception metered throws is a `MeteredError` with a stable `code`.
 * Expected outcomes (not enough credits, rate limited) are returned as data, never thrown.
 * Match on `code`, `instanceof` or `isMeteredError`, never on `message`. `instanceof` and
 * `isMeteredError` also recognise errors from another copy of this package in the same process
 * (the ESM and the CJS build, or two installed versions).
 */
export type MeteredErrorCode =
  | 'validation_error'
  | 'idempotency_conflict'
  | 'not_found'
  | 'store_unavailable'
  | 'store_timeout'
  | 'invariant_violation'

// Each class marks its prototype with a registry symbol (`Symbol.for`), which every copy of the
// package in the process shares, and `instanceof` looks for that mark rather than for one
// copy's prototype object.
const brands = new WeakMap<Function, symbol>()

function brand(cls: Function, key: string): void {
  const symbol = Symbol.for(key)
  brands.set(cls, symbol)
  Object.defineProperty(cls.prototype, symbol, { value: true })
}

/** `instanceof` for MeteredError and its subclasses (`this` is the class on the right). */
function hasBrand(this: Function, value: unknown): boolean {
  const symbol = brands.get(this)
  // A class defined outside this module (an app's subclass) keeps the ordinary check.
  if (symbol === undefined) return Function.prototype[Symbol.hasInstance].call(this, value)
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[symbol] === true
}

/** The base of every error metered throws; switch on `code` (`isMeteredError` recognises one from any copy of the package). */
export class MeteredError extends Error {
  readonly code: MeteredErrorCode
  constructor(code: MeteredErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'MeteredError'
    this.code = code
  }
}
Object.defineProperty(MeteredError, Symbol.hasInstance, { value: hasBrand })
brand(MeteredError, 'metered.error')

/** One problem with one field of an input, as reported by zod. */
export interface ValidationIssue {
  /** Dotted path of the field, e.g. `amount` or `rules.0.limit`. */
  path: string
  message: string
}

/** Bad input. Nothing was written. */
export class ValidationError extends MeteredError {
  readonly issues: ValidationIssue[]
  constructor(issues: ValidationIssue[], what = 'input') {
    super(
      'validation_error',
      `Invalid ${what}: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`,
    )
    this.name = 'ValidationError'
    this.issues = issues
  }
}
brand(ValidationError, 'metered.error.validation_error')

/** The same idempotency key was used before with different parameters. Nothing was written. */
export class IdempotencyConflictError extends MeteredError {
  readonly idempotencyKey: string
  constructor(idempotencyKey: string) {
    super('idempotency_conflict', `Idempotency key "${idempotencyKey}" was already used with different parameters`)
    this.name = 'IdempotencyConflictError'
    this.idempotencyKey = idempotencyKey
  }
}
brand(IdempotencyConflictError, 'metered.error.idempotency_conflict')

/** A referenced record (grant, hold, user) does not exist. */
export class NotFoundError extends MeteredError {
  constructor(what: string) {
    super('not_found', `${what} not found`)
    this.name = 'NotFoundError'
  }
}
brand(NotFoundError, 'metered.error.not_found')

/** The store could not be reached or failed. The operation may or may not have happened; retry with the same idempotency key. */
export class StoreUnavailableError extends MeteredError {
  constructor(message = 'Store unavailable', options?: { cause?: unknown }) {
    super('store_unavailable', message, options)
    this.name = 'StoreUnavailableError'
  }
}
brand(StoreUnavailableError, 'metered.error.store_unavailable')

/** The store did not answer within the configured timeout. */
export class StoreTimeoutError extends MeteredError {
  constructor(ms: number) {
    super('store_timeout', `Store did not answer within ${ms} ms`)
    this.name = 'StoreTimeoutError'
  }
}
brand(StoreTimeoutError, 'metered.error.store_timeout')

/** True for any `MeteredError` (subclasses included), from any copy of @metered/core. */
export function isMeteredError(e: unknown): e is MeteredError {
  return e instanceof MeteredError
}
