import { NotFoundError, StoreUnavailableError } from '@metered/core'

// The SDK's error classes differ between versions and bundles (node, worker), so errors are
// recognised by their documented `type` and `statusCode` fields rather than by `instanceof`.
interface StripeErrorLike {
  type?: unknown
  statusCode?: unknown
  code?: unknown
}

const UNAVAILABLE = new Set(['StripeConnectionError', 'StripeAPIError', 'StripeRateLimitError'])

export function isStripeNotFound(err: unknown): boolean {
  const e = err as StripeErrorLike | null
  return e?.statusCode === 404 || e?.code === 'resource_missing'
}

/**
 * Stripe being down or throttling becomes `StoreUnavailableError` (an app maps it to 503, like a
 * database outage); anything else (bad price id, bad key) is a configuration bug and is rethrown.
 */
export function mapStripeError(err: unknown, what: string): unknown {
  const e = err as StripeErrorLike | null
  if (typeof e?.type === 'string' && UNAVAILABLE.has(e.type)) {
    return new StoreUnavailableError(`Stripe unavailable (${what})`, { cause: err })
  }
  if (isStripeNotFound(err)) return new NotFoundError(what)
  return err
}
