import { insufficientCredits, rateLimited, storeUnavailable } from '../server/problem.js'

/**
 * Thrown by `meteredModel` when authorize refuses the call (the AI SDK has no other way to say
 * no). Amounts are in credits. `toResponse()` gives the route's problem+json answer.
 * @example
 * try { return (await streamText({ model, prompt })).toTextStreamResponse() }
 * catch (e) { if (e instanceof MeteredRefusalError) return e.toResponse({ buyUrl: '/buy' }); throw e }
 */
export class MeteredRefusalError extends Error {
  readonly reason: 'insufficient_credits' | 'rate_limited' | 'store_unavailable'
  /** Credits available (null when unknown). */
  readonly available: number | null
  /** Credits the call needed (insufficient_credits only). */
  readonly required: number | null
  /** Seconds to wait (rate_limited only). */
  readonly retryAfter: number | null
  constructor(input: {
    reason: MeteredRefusalError['reason']
    available: number | null
    required?: number | null
    retryAfter?: number | null
  }) {
    super(`metered: call refused (${input.reason})`)
    this.name = 'MeteredRefusalError'
    this.reason = input.reason
    this.available = input.available
    this.required = input.required ?? null
    this.retryAfter = input.retryAfter ?? null
  }

  /** The 402 / 429 / 503 problem response for this refusal. */
  toResponse(options: { buyUrl?: string | null } = {}): Response {
    if (this.reason === 'insufficient_credits') {
      return insufficientCredits({
        available: this.available ?? 0,
        required: this.required ?? 0,
        buyUrl: options.buyUrl ?? null,
      })
    }
    if (this.reason === 'rate_limited') return rateLimited({ retryAfter: this.retryAfter ?? 1, rules: [] })
    return storeUnavailable()
  }
}
