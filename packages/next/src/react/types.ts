/**
 * The client's view of the HTTP contract (docs/http-api.md). The wire types are the server's own,
 * from `@metered/core/http` through `import type` (erased at build: the browser bundle carries no
 * server code). Amounts are credits, times epoch ms, durations ms.
 */
import type {
  AutoTopUpSettingsBody,
  BalanceBody,
  EntryType,
  HistoryEntryBody,
  PlanBody,
  ProblemBody,
  ProblemCode,
  RateLimitRuleBody,
  UsageBucketBody,
  UsageStatsBody,
  UserBody,
} from '@metered/core/http'

export type { EntryType, ProblemBody, ProblemCode }

/** `GET`/`POST /auto-top-up`: the account's automatic top-up settings. */
export type AutoTopUpSettingsResponse = AutoTopUpSettingsBody

/** `GET /credits/balance`. */
export type BalanceResponse = BalanceBody

/** One line of `GET /credits/history`; `amount` is signed credits (grants add, debits take). */
export type HistoryEntry = HistoryEntryBody

/** A subscription plan offered by `PlanPicker`: `createStripeCredits(...).plans` (`@metered/stripe`). */
export type PlanOption = PlanBody

/** One bucket of `GET /profile/usage`. */
export type UsageBucket = UsageBucketBody

/** `GET /profile/usage`: only buckets with events, ordered by start then feature. */
export type UsageStats = UsageStatsBody

/** A user row of `GET /admin/users`. */
export type MeteredUser = UserBody

/** One rule of a 429 problem's `rules`. */
export type RateLimitRule = RateLimitRuleBody

/** The signed-in account's credits. `held` is null when only `Credits-Remaining` was seen. */
export interface CreditsBalance {
  available: number
  held: number | null
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

/**
 * A problem+json body as received: the contract's members when the server is metered, read
 * defensively (any server can answer anything).
 */
export interface ProblemDetails {
  type?: string
  title?: string
  status?: number
  detail?: string
  /** The problem's code; narrow to `ProblemBody<code>` once `isProblemCode`-like checks pass. */
  code?: ProblemCode | (string & {})
  [member: string]: unknown
}

/** A 402 `insufficient_credits` problem. */
export interface InsufficientCreditsProblem {
  code: 'insufficient_credits'
  status: 402
  title: string
  detail: string
  available: number
  required: number
  buyUrl: string | null
}

/** A 429 `rate_limited` problem. */
export interface RateLimitedProblem {
  code: 'rate_limited'
  status: 429
  title: string
  detail: string
  /** Milliseconds to wait, from `Retry-After` or the body's `retryAfterMs`. */
  retryAfter: number
  rules: RateLimitRule[]
}

/** The refusals the hooks keep as shared state; narrow on `code`. */
export type MeteredProblem = InsufficientCreditsProblem | RateLimitedProblem
