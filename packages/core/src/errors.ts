/**
 * Every exception metered throws is a `MeteredError` with a stable `code`.
 * Expected outcomes (not enough credits, rate limited) are returned as data, never thrown.
 * Match on `code` or `instanceof`, never on `message`.
 */
export type MeteredErrorCode =
  | 'validation_error'
  | 'idempotency_conflict'
  | 'not_found'
  | 'store_unavailable'
  | 'store_timeout'
  | 'invariant_violation'

export class MeteredError extends Error {
  readonly code: MeteredErrorCode
  constructor(code: MeteredErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'MeteredError'
    this.code = code
  }
}

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

/** The same idempotency key was used before with different parameters. Nothing was written. */
export class IdempotencyConflictError extends MeteredError {
  readonly idempotencyKey: string
  constructor(idempotencyKey: string) {
    super('idempotency_conflict', `Idempotency key "${idempotencyKey}" was already used with different parameters`)
    this.name = 'IdempotencyConflictError'
    this.idempotencyKey = idempotencyKey
  }
}

/** A referenced record (grant, hold, user) does not exist. */
export class NotFoundError extends MeteredError {
  constructor(what: string) {
    super('not_found', `${what} not found`)
    this.name = 'NotFoundError'
  }
}

/** The store could not be reached or failed. The operation may or may not have happened; retry with the same idempotency key. */
export class StoreUnavailableError extends MeteredError {
  constructor(message = 'Store unavailable', options?: { cause?: unknown }) {
    super('store_unavailable', message, options)
    this.name = 'StoreUnavailableError'
  }
}

/** The store did not answer within the configured timeout. */
export class StoreTimeoutError extends MeteredError {
  constructor(ms: number) {
    super('store_timeout', `Store did not answer within ${ms} ms`)
    this.name = 'StoreTimeoutError'
  }
}

export function isMeteredError(e: unknown): e is MeteredError {
  return e instanceof MeteredError
}
