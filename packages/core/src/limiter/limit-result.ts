import type { LimitResult, RuleResult } from './limiter-types.js'
import type { ConsumeRequest, ConsumeResult } from './types.js'

/**
 * Retry-After suggested when the store is down and the policy refuses: long enough not to
 * hammer a failing store, short enough to recover quickly.
 */
export const UNAVAILABLE_RETRY_MS = 1_000

/** Whether a store answered something shaped like a `ConsumeResult` for this request. */
export function isConsumeResult(value: unknown, request: ConsumeRequest): value is ConsumeResult {
  const v = value as ConsumeResult | null
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.allowed === 'boolean' &&
    Array.isArray(v.rules) &&
    v.rules.length === request.items.length
  )
}

/**
 * Summarises per-rule results. The top-level `limit`/`remaining`/`reset` describe the deciding
 * rule: the one with the fewest remaining (among the refusing rules when refused); ties go to
 * the later reset. `retryAfter` is the longest wait any refusing rule asks for.
 */
export function summarise(rules: RuleResult[], reason?: LimitResult['reason']): LimitResult {
  const ok = rules.every((r) => r.ok)
  const deciding = ok ? rules : rules.filter((r) => !r.ok)
  let tightest = deciding[0]!
  for (const r of deciding) {
    if (r.remaining < tightest.remaining || (r.remaining === tightest.remaining && r.reset > tightest.reset)) {
      tightest = r
    }
  }
  const retryAfter = ok ? 0 : Math.max(...deciding.map((r) => r.retryAfter))
  const result: LimitResult = {
    ok,
    limit: tightest.limit,
    remaining: tightest.remaining,
    reset: tightest.reset,
    retryAfter,
    rules,
  }
  const why = reason ?? (ok ? undefined : 'rate_limited')
  if (why) result.reason = why
  return result
}

/**
 * Maps a store decision to per-rule results. On a refused call nothing was consumed, yet the
 * store reports, for rules that would have admitted it, what they would have had left; adding
 * their cost back gives their real state (exact: an admitting rule's count is a whole number
 * of units below its limit).
 */
export function ruleResults(result: ConsumeResult, request: ConsumeRequest): RuleResult[] {
  return request.items.map((item, i) => {
    const r = result.rules[i]!
    const remaining = !result.allowed && r.allowed ? r.remaining + item.cost : r.remaining
    return {
      name: item.name,
      limit: item.rule.limit,
      remaining,
      reset: r.reset,
      retryAfter: r.retryAfter,
      ok: r.allowed,
    }
  })
}

/** The result when neither the store nor a fallback could decide: admit or refuse blindly. */
export function unavailableResult(request: ConsumeRequest, admit: boolean, now: number): LimitResult {
  const rules = request.items.map(
    (item): RuleResult => ({
      name: item.name,
      limit: item.rule.limit,
      // Nothing is known about the state; admitting reports the rule as untouched.
      remaining: admit ? item.rule.limit : 0,
      reset: now,
      retryAfter: admit ? 0 : UNAVAILABLE_RETRY_MS,
      ok: admit,
    }),
  )
  return summarise(rules, 'store_unavailable')
}
