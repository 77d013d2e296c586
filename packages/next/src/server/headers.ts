import type { LimitResult, RuleSpec, Rules } from '@metered/core'

/**
 * The rate-limit response fields of docs/http-api.md, the IETF draft-ietf-httpapi-ratelimit-headers
 * structured fields `RateLimit-Policy` / `RateLimit` (`Credits-Remaining` is `credits.format`).
 */

/** Seconds a rule's quota `q` is measured over: the window, or a token bucket's full refill time. */
function windowSeconds(rule: RuleSpec): number {
  if (rule.kind === 'token_bucket') {
    return Math.max(1, Math.ceil((rule.windowMs * rule.limit) / Math.max(1, rule.refillAmount) / 1000))
  }
  return Math.max(1, Math.ceil(rule.windowMs / 1000))
}

/** A structured-field string: names are quoted, `"` and `\` escaped. */
function sfString(value: string): string {
  // Rule names rarely need escaping: skip the regex (and its callback) when nothing to escape.
  if (!value.includes('"') && !value.includes('\\')) return `"${value}"`
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`
}

/**
 * `RateLimit-Policy: "minute";q=60;w=60, "day";q=1000;w=86400` for the rules that apply.
 * Cached per rules object (and per `only` list: a route passes its own `limitRules` array every
 * call): a route sees the same few rule sets over and over, so the header is formatted once.
 */
export function createPolicyFormatter(): (rules: Rules, only?: ReadonlyArray<string>) => string {
  const cache = new WeakMap<Rules, string>()
  const cacheOnly = new WeakMap<Rules, WeakMap<ReadonlyArray<string>, string>>()
  return (rules, only) => {
    if (!only) {
      const hit = cache.get(rules)
      if (hit !== undefined) return hit
      const value = formatPolicy(rules)
      cache.set(rules, value)
      return value
    }
    let byOnly = cacheOnly.get(rules)
    const hit = byOnly?.get(only)
    if (hit !== undefined) return hit
    const value = formatPolicy(rules, only)
    if (!byOnly) {
      byOnly = new WeakMap()
      cacheOnly.set(rules, byOnly)
    }
    byOnly.set(only, value)
    return value
  }
}

function formatPolicy(rules: Rules, only?: ReadonlyArray<string>): string {
  const items: string[] = []
  for (const [name, rule] of Object.entries(rules)) {
    if (only && !only.includes(name)) continue
    items.push(`${sfString(name)};q=${rule.limit};w=${windowSeconds(rule)}`)
  }
  return items.join(', ')
}

type RuleResult = LimitResult['rules'][number]

/**
 * Seconds until more of a rule's quota is available (the draft's `t`). A refusing rule says
 * exactly its own wait, which is what `Retry-After` is made of (within `w`, but for a sliding
 * window whose whole quota went early in a window: see docs/http-api.md). An admitting rule, at
 * most `w`: a fixed window at its end; a sliding window at the end of the current window, when its
 * older count has slid out or this window's starts to; a token bucket when its next token
 * arrives. Without the rule's spec (rules the limiter no longer returns), the time to its reset.
 */
function secondsUntilMore(rule: RuleResult, spec: RuleSpec | undefined, now: number): number {
  if (!rule.ok) return retrySeconds(rule.retryAfter)
  const toReset = Math.max(0, Math.ceil((rule.reset - now) / 1000))
  if (!spec) return toReset
  if (rule.remaining >= spec.limit) return 0
  const w = windowSeconds(spec)
  if (spec.kind === 'fixed_window') return Math.min(toReset, w)
  if (spec.kind === 'sliding_window') {
    const W = spec.windowMs
    return Math.min(w, Math.ceil((W - (((now % W) + W) % W)) / 1000))
  }
  return Math.min(toReset, Math.ceil(spec.windowMs / spec.refillAmount / 1000), w)
}

/**
 * `RateLimit: "minute";r=59;t=41` for one policy, `t` (draft-ietf-httpapi-ratelimit-headers) the
 * whole seconds until more of its quota is available. Refused: the refusing rule with the longest
 * wait, so `t` equals `Retry-After`. Admitted: the tightest rule (fewest remaining; on a tie, the
 * later `t`). `rules` are the specs by name (what `RateLimit-Policy` lists).
 */
export function formatRateLimit(limit: LimitResult, now: number, rules?: Rules): string | null {
  let pick: RuleResult | undefined
  let pickT = 0
  for (const rule of limit.rules) {
    if (!limit.ok && rule.ok) continue
    const t = secondsUntilMore(rule, rules?.[rule.name], now)
    const better = !limit.ok
      ? !pick || t > pickT || (t === pickT && rule.remaining < pick.remaining)
      : !pick || rule.remaining < pick.remaining || (rule.remaining === pick.remaining && t > pickT)
    if (better) {
      pick = rule
      pickT = t
    }
  }
  if (!pick) return null
  return `${sfString(pick.name)};r=${Math.max(0, pick.remaining)};t=${pickT}`
}

/** Whole seconds for `Retry-After`: rounded up so a client waiting that long is admitted, at least 1 so it never spins. */
export function retrySeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000))
}
