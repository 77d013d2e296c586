import type { AuthorizeResult, LimitResult } from '@metered/core'
import { retryAfterSeconds } from './headers.js'
import { insufficientCredits, rateLimited, storeUnavailable } from './problem.js'
import type { MeteredNextCore } from './types.js'

/** A refused authorize (or limiter call) as its problem response, with the metered headers. */
export function refusalResponse(
  core: MeteredNextCore,
  refusal: Exclude<AuthorizeResult, { ok: true }>,
  headers: Headers,
): Response {
  const { metered } = core
  if (refusal.reason === 'insufficient_credits') {
    return insufficientCredits(
      {
        available: metered.credits.toCredits(refusal.available),
        required: metered.credits.toCredits(refusal.required),
        buyUrl: core.buyUrl,
      },
      headers,
    )
  }
  if (refusal.reason === 'store_unavailable' || !refusal.limit) return storeUnavailable(headers)
  return rateLimitedResponse(refusal.limit, headers)
}

export function rateLimitedResponse(limit: LimitResult, headers: Headers): Response {
  return rateLimited(
    {
      retryAfter: retryAfterSeconds(limit),
      rules: limit.rules,
    },
    headers,
  )
}
