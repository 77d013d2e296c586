import type { RuleSpec } from './types.js'

/**
 * The reference arithmetic of the three rule kinds. The memory store runs it directly; the
 * Redis (Lua) and Postgres (SQL) stores implement the same formulas, and `limiterStoreSuite`
 * holds them to it. Counts are integers and comparisons are done in integers where possible so
 * every store decides the same way.
 */

/** Fixed and sliding windows: the count of the window `window` (index = floor(now / windowMs)) and of the one before. */
export interface WindowState {
  /** The window's index: floor(epoch ms / windowMs). */
  window: number
  /** Units counted in that window. */
  count: number
  /** Units counted in the window before it (sliding window; 0 for a fixed window). */
  prev: number
}

/** Token bucket: tokens (fractional) as of `updatedAt`. */
export interface BucketState {
  /** Tokens in the bucket, fractional. */
  tokens: number
  /** Epoch ms the tokens were counted at. */
  updatedAt: number
}

/** A rule's stored state: windows keep counts, a token bucket its tokens. */
export type RuleStateData = WindowState | BucketState

/** One rule evaluated at one instant for one cost. */
export interface Evaluation<S> {
  /** Whether this rule alone admits the call. */
  allowed: boolean
  /** The state to store if the whole call is admitted. */
  next: S
  /** Units left after the call (whole units, rounded down). */
  remaining: number
  /** Epoch ms when the rule is fully replenished. */
  reset: number
  /** Ms until a call of this cost could succeed; 0 when it is admitted. */
  retryAfter: number
}

function currentWindow(state: WindowState | null, w: number): { curr: number; prev: number } {
  if (!state) return { curr: 0, prev: 0 }
  if (state.window === w) return { curr: state.count, prev: state.prev }
  if (state.window === w - 1) return { curr: 0, prev: state.count }
  return { curr: 0, prev: 0 }
}

export function evaluateFixedWindow(
  rule: RuleSpec,
  state: WindowState | null,
  now: number,
  cost: number,
): Evaluation<WindowState> {
  const W = rule.windowMs
  const w = Math.floor(now / W)
  const { curr } = currentWindow(state, w)
  const allowed = curr + cost <= rule.limit
  const count = allowed ? curr + cost : curr
  const end = (w + 1) * W
  return {
    allowed,
    next: { window: w, count, prev: 0 },
    remaining: Math.max(0, rule.limit - count),
    reset: end,
    retryAfter: allowed ? 0 : end - now,
  }
}

export function evaluateSlidingWindow(
  rule: RuleSpec,
  state: WindowState | null,
  now: number,
  cost: number,
): Evaluation<WindowState> {
  const W = rule.windowMs
  const w = Math.floor(now / W)
  const { curr, prev } = currentWindow(state, w)
  const left = W - (now - w * W) // ms of the previous window still inside the sliding window
  // used = prev * left / W + curr, compared after multiplying by W to stay in integers
  const allowed = prev * left + (curr + cost) * W <= rule.limit * W
  const count = allowed ? curr + cost : curr
  const remaining = Math.max(0, Math.floor((rule.limit * W - prev * left - count * W) / W))
  const reset = count > 0 ? (w + 2) * W : prev > 0 ? (w + 1) * W : now
  let retryAfter = 0
  if (!allowed) {
    if (curr + cost <= rule.limit && prev > 0) {
      // later in this window, once enough of the previous window has slid out
      const needLeft = Math.floor(((rule.limit - curr - cost) * W) / prev)
      retryAfter = Math.max(1, left - needLeft)
    } else if (cost <= rule.limit) {
      // in the next window, where this window's count becomes the weighted one
      const start = (w + 1) * W
      const needLeft = curr > 0 ? Math.floor(((rule.limit - cost) * W) / curr) : W
      retryAfter = start - now + Math.max(0, W - needLeft)
    } else {
      retryAfter = reset - now
    }
  }
  return { allowed, next: { window: w, count, prev }, remaining, reset, retryAfter }
}

export function evaluateTokenBucket(
  rule: RuleSpec,
  state: BucketState | null,
  now: number,
  cost: number,
): Evaluation<BucketState> {
  const W = rule.windowMs
  const rate = rule.refillAmount / W // tokens per ms
  const tokensAt = (t: number) =>
    state ? Math.min(rule.limit, state.tokens + Math.max(0, t - state.updatedAt) * rate) : rule.limit
  const tokens = tokensAt(now)
  const allowed = tokens >= cost
  const left = allowed ? tokens - cost : tokens
  let retryAfter = allowed ? 0 : Math.ceil((cost - tokens) / rate)
  if (!allowed && cost <= rule.limit) {
    // The refill is in doubles, so the division can land a millisecond off: step to the first
    // whole millisecond at which this same evaluation admits the call.
    while (retryAfter > 1 && tokensAt(now + retryAfter - 1) >= cost) retryAfter--
    while (tokensAt(now + retryAfter) < cost) retryAfter++
  }
  return {
    allowed,
    next: { tokens: left, updatedAt: now },
    remaining: Math.max(0, Math.floor(left)),
    reset: now + Math.ceil((rule.limit - left) / rate),
    retryAfter,
  }
}

export function evaluateRule(
  rule: RuleSpec,
  state: RuleStateData | null,
  now: number,
  cost: number,
): Evaluation<RuleStateData> {
  switch (rule.kind) {
    case 'fixed_window':
      return evaluateFixedWindow(rule, state as WindowState | null, now, cost)
    case 'sliding_window':
      return evaluateSlidingWindow(rule, state as WindowState | null, now, cost)
    case 'token_bucket':
      return evaluateTokenBucket(rule, state as BucketState | null, now, cost)
  }
}
