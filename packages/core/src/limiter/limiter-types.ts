import type { Duration } from '../duration.js'
import type { ConsumeRequest, ConsumeResult, LimiterStore, RuleSpec } from './types.js'

/** Named rules, e.g. `{ burst: tokenBucket(...), minute: slidingWindow(...) }`. */
export type Rules = Record<string, RuleSpec>

/** Who is calling, for rules that depend on the caller (plans, roles). */
export interface LimitContext {
  plan?: string | null
  role?: string | null
  [key: string]: unknown
}

/** What a limiter does when its store fails or times out: refuse, admit, or ask another store. */
export type StoreErrorPolicy = 'deny' | 'allow' | { fallback: LimiterStore }

/** What `createLimiter` takes: the store, the rules and the failure policy. */
export interface LimiterOptions {
  /**
   * Where rule state lives and decisions are made, in one call per `limit()`.
   * @example store: createMemoryLimiterStore() // or createRedisStores(client).limiterStore
   */
  store: LimiterStore
  /**
   * Fixed rules, or a function choosing rules per caller (at least one rule, at most 32, names
   * of 1-100 characters). A function's result is validated the first time each object is seen,
   * so return constants rather than building new objects per call.
   * @example rules: { minute: slidingWindow({ limit: 60, window: '1 m' }) }
   * @example rules: (ctx) => (ctx.plan === 'pro' ? proRules : freeRules)
   */
  rules: Rules | ((ctx: LimitContext) => Rules)
  /**
   * What to do when the store fails or is slower than `timeout`:
   * refuse (`'deny'`), admit (`'allow'`), or ask another store (`{ fallback }`; if that fails
   * too, refuse). Either way the result carries `reason: 'store_unavailable'`.
   * @default 'deny'
   * @example onStoreError: { fallback: createMemoryLimiterStore() } // per-instance limits while Redis is down
   */
  onStoreError?: StoreErrorPolicy
  /**
   * The wait for the store is abandoned after this long (the store call itself cannot be
   * cancelled and may still complete). Applies to the fallback store as well.
   * @default '1 s'
   * @example timeout: '200 ms'
   */
  timeout?: Duration
  /**
   * Prepended to every key, so several limiters can share a store (at most 100 characters;
   * prefix + key at most 200).
   * @default ''
   * @example prefix: 'api:'
   */
  prefix?: string
  /**
   * Told about every store failure the policy absorbed (error or `StoreTimeoutError`), for
   * logs and metrics; `limit()` itself never throws them.
   * @default none
   * @example onError: (error) => console.warn('rate limiter store failed', error)
   */
  onError?: (error: unknown) => void
}

/** Per-call options of `limiter.limit`: the cost, the rules, the context. */
export interface LimitOptions {
  /**
   * Units this call consumes: one number for every rule, or per rule name. Rules a record does
   * not name cost 1; names that are not among the applied rules are ignored (a caller's rule set
   * may lack them). Whole numbers, 0 only checks.
   * @default 1
   * @example cost: { spend: creditsCharged } // a spend cap counts credits, the other rules count calls
   */
  cost?: number | Record<string, number>
  /**
   * Only these rules (by name); a name the caller's rules lack throws `ValidationError`.
   * @default all
   * @example rules: ['minute']
   */
  rules?: string[]
  /**
   * Passed to a rules function.
   * @default {}
   * @example ctx: { plan: user.plan }
   */
  ctx?: LimitContext
}

/** One rule's state after a `limit` call. */
export interface RuleResult {
  name: string
  limit: number
  remaining: number
  /** Epoch ms when the rule is fully replenished. */
  reset: number
  /** Ms until this rule would admit the call; 0 when it admits. */
  retryAfter: number
  ok: boolean
}

/** What `limiter.limit` and `peek` return: admitted or not, and every rule's state. */
export interface LimitResult {
  ok: boolean
  /**
   * The limit of the deciding rule: the one with the fewest remaining, among the refusing rules
   * when the call is refused (ties: the later reset). `remaining` and `reset` are that rule's.
   */
  limit: number
  remaining: number
  /** Epoch ms when the deciding rule is fully replenished. */
  reset: number
  /** Ms to wait before retrying; 0 on success. */
  retryAfter: number
  rules: RuleResult[]
  /** Why it was refused (or admitted without checking, for store_unavailable + allow). */
  reason?: 'rate_limited' | 'store_unavailable'
}

/** A rate limiter (`createLimiter`): named rules over a limiter store, checked and consumed all or nothing. */
export interface Limiter {
  /** Checks every rule for the key and consumes them all if every one admits the call; refuses consuming nothing otherwise. */
  limit(key: string, options?: LimitOptions): Promise<LimitResult>
  /**
   * Current state without consuming anything: `remaining` and `reset` as they are now;
   * `ok` and `retryAfter` say whether (and when) a call of cost 1 would pass.
   */
  peek(key: string, options?: Omit<LimitOptions, 'cost'>): Promise<LimitResult>
  /**
   * Forgets the key's state for all (or the given) rules, in the fallback store too. Store
   * failures throw here (`StoreUnavailableError` / `StoreTimeoutError`): there is no policy
   * result to give.
   */
  reset(key: string, options?: { rules?: string[]; ctx?: LimitContext }): Promise<void>
  /** The rules that would apply for this context. */
  rulesFor(ctx?: LimitContext): Rules
  /** The store this limiter consumes from. */
  readonly store: LimiterStore
  /**
   * The store request `limit(key, options)` would send, validated, without sending it. Used by
   * authorizers that consume limits and credits in one store call.
   */
  plan(key: string, options?: LimitOptions): ConsumeRequest
  /** Turns a store's answer to a planned request into a `LimitResult`. */
  interpret(request: ConsumeRequest, result: ConsumeResult): LimitResult
}
