import type { Duration } from '../duration.js'
import type { LimiterStore, RuleSpec } from './types.js'

/** Named rules, e.g. `{ burst: tokenBucket(...), minute: slidingWindow(...) }`. */
export type Rules = Record<string, RuleSpec>

/** Who is calling, for rules that depend on the caller (plans, roles). */
export interface LimitContext {
  plan?: string | null
  role?: string | null
  [key: string]: unknown
}

export type StoreErrorPolicy = 'deny' | 'allow' | { fallback: LimiterStore }

export interface LimiterOptions {
  store: LimiterStore
  /** Fixed rules, or a function choosing rules per caller. */
  rules: Rules | ((ctx: LimitContext) => Rules)
  /**
   * What to do when the store fails or is slower than `timeout`:
   * refuse (`'deny'`), admit (`'allow'`), or ask another store (`{ fallback }`).
   * Either way the result carries `reason: 'store_unavailable'`.
   * @default 'deny'
   */
  onStoreError?: StoreErrorPolicy
  /** The store call is abandoned after this long. @default '1 s' */
  timeout?: Duration
  /** Prepended to every key, so several limiters can share a store. @default '' */
  prefix?: string
  /**
   * Told about every store failure the policy absorbed (error or `StoreTimeoutError`), for
   * logs and metrics; `limit()` itself never throws them.
   * @default none
   * @example onError: (error) => console.warn('rate limiter store failed', error)
   */
  onError?: (error: unknown) => void
}

export interface LimitOptions {
  /** Units this call consumes: one number for every rule, or per rule name (missing names cost 1). @default 1 */
  cost?: number | Record<string, number>
  /** Only these rules (by name). @default all */
  rules?: string[]
  /** Passed to a rules function. */
  ctx?: LimitContext
}

export interface RuleResult {
  name: string
  limit: number
  remaining: number
  /** Epoch ms when the rule is fully replenished. */
  reset: number
  /** Ms until this rule would admit the call; 0 when it admits. */
  retryAfter: number
  success: boolean
}

export interface LimitResult {
  success: boolean
  /** The limit of the tightest rule (fewest remaining). */
  limit: number
  remaining: number
  /** Epoch ms. */
  reset: number
  /** Ms to wait before retrying; 0 on success. */
  retryAfter: number
  rules: RuleResult[]
  /** Why it was refused (or admitted without checking, for store_unavailable + allow). */
  reason?: 'rate_limited' | 'store_unavailable'
}

export interface Limiter {
  limit(key: string, options?: LimitOptions): Promise<LimitResult>
  /** Current state without consuming anything. */
  peek(key: string, options?: Omit<LimitOptions, 'cost'>): Promise<LimitResult>
  /** Forgets the key's state for all (or the given) rules. */
  reset(key: string, options?: { rules?: string[]; ctx?: LimitContext }): Promise<void>
  /** The rules that would apply for this context. */
  rulesFor(ctx?: LimitContext): Rules
}
