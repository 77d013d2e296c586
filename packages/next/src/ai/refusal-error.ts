import type { LimitResult, Refusal } from '@metered/core'
import { defaultProblems, type Problems } from '../server/problem.js'
import { refusalResponse } from '../server/refusal.js'

/**
 * Thrown by `meteredModel` when authorize refuses the call (the AI SDK has no other way to say
 * no). It carries the refusal's fields (`reason`, `available`, `required`, `retryAfter` in ms,
 * `limit`), with amounts in credits. `toResponse()` gives the route's problem+json answer.
 * @example
 * try { return (await streamText({ model, prompt })).toTextStreamResponse() }
 * catch (e) { if (e instanceof MeteredRefusalError) return e.toResponse({ buyUrl: '/buy' }); throw e }
 */
export class MeteredRefusalError extends Error {
  readonly reason: Refusal['reason']
  /** Credits available (null when unknown). */
  readonly available: number | null
  /** Credits the call needed (insufficient_credits only, else null). */
  readonly required: number | null
  /** Ms to wait before a retry can pass (rate_limited and store_unavailable; null for insufficient_credits). */
  readonly retryAfter: number | null
  /** The limiter's result, when the limiter decided. */
  readonly limit: LimitResult | null
  /** The refusal as `authorize` gave it, amounts in credits. */
  readonly refusal: Refusal

  /** `refusal` with amounts already in credits (`toCredits` applied). */
  constructor(refusal: Refusal) {
    super(`metered: call refused (${refusal.reason})`)
    this.name = 'MeteredRefusalError'
    this.refusal = refusal
    this.reason = refusal.reason
    this.available = refusal.available
    this.required = refusal.required
    this.retryAfter = refusal.retryAfter
    this.limit = refusal.limit
  }

  /** The 402 / 429 / 503 problem response for this refusal. */
  toResponse(options: { buyUrl?: string | null; problems?: Problems } = {}): Response {
    return refusalResponse(options.problems ?? defaultProblems, this.refusal, {
      toCredits: (credits) => credits,
      buyUrl: options.buyUrl ?? null,
    })
  }
}

/** An `authorize` refusal (amounts in ledger units) with its amounts converted to credits. */
export function refusalInCredits(refusal: Refusal, toCredits: (units: number) => number): Refusal {
  if (refusal.reason === 'insufficient_credits') {
    return { ...refusal, available: toCredits(refusal.available), required: toCredits(refusal.required) }
  }
  return { ...refusal, available: refusal.available === null ? null : toCredits(refusal.available) }
}
