/**
 * The client's view of the HTTP contract (docs/http-api.md). Declared here rather than imported
 * from @metered/core so the browser bundle carries no server code: amounts are credits, times epoch ms.
 */

/** The signed-in account's credits. `held` is null when only `Credits-Remaining` was seen. */
export interface CreditsBalance {
  available: number
  held: number | null
}

/** `GET /credits/balance`. */
export interface BalanceResponse {
  account: string
  available: number
  held: number
  unitsPerCredit: number
  grants: Array<{ id: string; source: string; remaining: number; expiresAt: number | null }>
}

export type EntryType = 'grant' | 'debit' | 'expire' | 'revoke'

/** One line of `GET /credits/history`; `amount` is signed credits (grants add, debits take). */
export interface HistoryEntry {
  id: string
  type: EntryType
  amount: number
  reason: string
  createdAt: number
}

export interface UsageBucket {
  /** Start of the bucket, aligned to UTC hours or days. */
  start: number
  /** The feature when split `by: 'feature'`, else null. */
  feature: string | null
  events: number
  /** Credits. */
  amount: number
  inputTokens: number
  cachedInputTokens: number
  outputTokens: number
  quantity: number
  errors: number
}

/** `GET /profile/usage`: only buckets with events, ordered by start then feature. */
export interface UsageStats {
  from?: number
  to?: number
  bucket?: 'hour' | 'day'
  buckets: UsageBucket[]
  totals: Omit<UsageBucket, 'start' | 'feature'>
}

/** A user row of `GET /admin/users`. */
export interface MeteredUser {
  id: string
  email: string | null
  name: string | null
  image?: string | null
  role: 'admin' | 'user'
  plan?: string | null
  lastLoginAt?: number | null
}

/** One rule of a 429 problem's `rules`. */
export interface RateLimitRule {
  name: string
  limit: number
  remaining: number
  reset: number
}

/** The tightest rule from the last `RateLimit` field, with its quota from `RateLimit-Policy`. */
export interface RateLimitState {
  /** Rule name, e.g. `"minute"`. */
  policy: string
  remaining: number
  /** Quota `q` from `RateLimit-Policy`, when sent. */
  limit: number | null
  /** Window `w` in seconds from `RateLimit-Policy`, when sent. */
  window: number | null
  /** When the rule is replenished (epoch ms). */
  resetAt: number
}

/** RFC 9457 problem details as sent by metered routes. */
export interface ProblemDetails {
  type: string
  title: string
  status: number
  detail?: string
  [extension: string]: unknown
}

/** A 402 `insufficient-credits` problem. */
export interface InsufficientCreditsProblem {
  kind: 'insufficient-credits'
  status: 402
  title: string
  detail: string
  available: number
  required: number
  buyUrl: string | null
}

/** A 429 `rate-limited` problem. */
export interface RateLimitedProblem {
  kind: 'rate-limited'
  status: 429
  title: string
  detail: string
  /** Seconds, from `Retry-After` or the body. */
  retryAfter: number
  rules: RateLimitRule[]
}

/** The refusals the hooks keep as shared state; narrow on `kind`. */
export type MeteredProblem = InsufficientCreditsProblem | RateLimitedProblem
