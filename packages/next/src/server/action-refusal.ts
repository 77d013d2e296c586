import { isMeteredError, type Refusal } from '@metered/core'
import type { ProblemCode, ProblemExtensions, ProblemIssue, RateLimitRuleBody } from '@metered/core/http'

/** The problem codes a metered Server Action can refuse with (401, 400, 402, 429, 503, 502, 500). */
export type ActionRefusalReason = Extract<
  ProblemCode,
  | 'unauthenticated'
  | 'invalid_input'
  | 'insufficient_credits'
  | 'rate_limited'
  | 'store_unavailable'
  | 'bad_gateway'
  | 'internal'
>

/**
 * The members a reason adds, the same as the HTTP problem's extensions (`ProblemExtensions`):
 * amounts in credits, issues with dotted paths. The one difference is the TypeScript API's rule
 * for durations: `retryAfter` in milliseconds, where the wire says `retryAfterMs`.
 */
export interface ActionRefusalFields {
  invalid_input: ProblemExtensions['invalid_input']
  insufficient_credits: ProblemExtensions['insufficient_credits']
  rate_limited: {
    /** Milliseconds until the refusing rule admits a call again. */
    retryAfter: number
    rules: RateLimitRuleBody[]
  }
}

type FieldsOf<R extends ActionRefusalReason> = R extends keyof ActionRefusalFields
  ? ActionRefusalFields[R]
  : Record<never, never>

/**
 * Why a metered Server Action did not run: `{ ok: false, reason }` with the problem code a route
 * would answer, and that problem's members. Plain data, so it crosses the Server Action boundary
 * and the client can show it. `ActionRefusal` (no argument) is any of them; narrow on `reason`.
 */
export type ActionRefusal<R extends ActionRefusalReason = ActionRefusalReason> = R extends ActionRefusalReason
  ? { ok: false; reason: R } & FieldsOf<R>
  : never

/**
 * A refusal of `authorize` (or a `MeteredRefusalError`) as the action's refusal: the same mapping
 * as the route's `refusalResponse`, amounts converted to credits by `toCredits`.
 */
export function actionRefusal(
  refusal: Refusal,
  options: { toCredits: (units: number) => number; buyUrl: string | null },
): ActionRefusal<'insufficient_credits' | 'rate_limited' | 'store_unavailable'> {
  if (refusal.reason === 'insufficient_credits') {
    return {
      ok: false,
      reason: 'insufficient_credits',
      available: options.toCredits(refusal.available),
      required: options.toCredits(refusal.required),
      buyUrl: options.buyUrl,
    }
  }
  if (refusal.reason === 'store_unavailable') return { ok: false, reason: 'store_unavailable' }
  return {
    ok: false,
    reason: 'rate_limited',
    retryAfter: refusal.retryAfter,
    rules: (refusal.limit?.rules ?? []).map((r) => ({
      name: r.name,
      limit: r.limit,
      remaining: r.remaining,
      reset: r.reset,
    })),
  }
}

/** Issues of the client's input as the `invalid_input` refusal. */
export function invalidInput(issues: ReadonlyArray<ProblemIssue>): ActionRefusal<'invalid_input'> {
  return { ok: false, reason: 'invalid_input', issues: issues.map((i) => ({ path: i.path, message: i.message })) }
}

/**
 * A thrown error as the action's refusal, without leaking it: a store outage or timeout is
 * `store_unavailable`, anything else `internal`. The error goes to `report` (the instance's onError).
 */
export function actionFailure(
  error: unknown,
  report: (error: unknown) => void,
): ActionRefusal<'store_unavailable' | 'internal'> {
  report(error)
  if (isMeteredError(error) && (error.code === 'store_unavailable' || error.code === 'store_timeout')) {
    return { ok: false, reason: 'store_unavailable' }
  }
  return { ok: false, reason: 'internal' }
}
