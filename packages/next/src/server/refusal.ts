import type { LimitResult, Refusal } from '@metered/core'
import type { Problems } from './problem.js'

/**
 * A refusal (from `authorize`, the limiter, or a `MeteredRefusalError`) as its problem response:
 * 402 with amounts in credits, 429 with the wait and the rules, 503. `toCredits` converts the
 * refusal's amounts; pass the identity for amounts already in credits.
 */
export function refusalResponse(
  problems: Problems,
  refusal: Refusal,
  options: { toCredits: (units: number) => number; buyUrl: string | null; headers?: HeadersInit },
): Response {
  const headers = options.headers
  if (refusal.reason === 'insufficient_credits') {
    return problems.insufficientCredits(
      {
        available: options.toCredits(refusal.available),
        required: options.toCredits(refusal.required),
        buyUrl: options.buyUrl,
      },
      headers,
    )
  }
  if (refusal.reason === 'store_unavailable') return problems.storeUnavailable(headers)
  return problems.rateLimited({ retryAfter: refusal.retryAfter, rules: refusal.limit?.rules ?? [] }, headers)
}

/** A refused limiter result (`withRateLimit`) as its 429 or 503. */
export function limitRefusalResponse(problems: Problems, limit: LimitResult, headers: Headers): Response {
  if (limit.reason === 'store_unavailable') return problems.storeUnavailable(headers)
  return problems.rateLimited({ retryAfter: limit.retryAfter, rules: limit.rules }, headers)
}
