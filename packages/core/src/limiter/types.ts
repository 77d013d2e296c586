/** The algorithms a rule can use. */
export type RuleKind = 'fixed_window' | 'sliding_window' | 'token_bucket'

/**
 * A rule as stores see it: plain, serialisable data.
 * - `fixed_window`: at most `limit` units per aligned window of `windowMs`.
 * - `sliding_window`: the weighted two-window approximation (see docs/concepts.md): the count
 *   of the previous window weighted by the part of it still inside the sliding window, plus the
 *   count of the current window, must stay within `limit`.
 * - `token_bucket`: a bucket of `limit` tokens, refilled continuously at `refillAmount` tokens per
 *   `windowMs`, starting full.
 */
export interface RuleSpec {
  kind: RuleKind
  limit: number
  windowMs: number
  /** Token bucket only: tokens added per `windowMs`. */
  refillAmount: number
}

/** One rule to check and consume in one store call. */
export interface ConsumeItem {
  /** The state key, e.g. `user:42`. */
  key: string
  /** The rule's name, e.g. `minute`. State is kept per (key, name). */
  name: string
  rule: RuleSpec
  /** Units this call consumes from the rule (0 only checks). */
  cost: number
}

/** What `LimiterStore.consume` takes: every rule of one call, decided together. */
export interface ConsumeRequest {
  items: ConsumeItem[]
  /** Only report; consume nothing. */
  dryRun?: boolean
}

/** One rule's state as a limiter store reports it. */
export interface RuleState {
  name: string
  key: string
  limit: number
  /** Units left after this call (whole units, rounded down). */
  remaining: number
  /** Epoch ms when the rule is fully replenished. */
  reset: number
  /** Ms until a call of this item's cost could succeed; 0 when it did. */
  retryAfter: number
  /** Whether this rule alone would admit the call. */
  allowed: boolean
}

/** What `LimiterStore.consume` returns: admitted or not, and every rule's state. */
export interface ConsumeResult {
  /** All rules admitted the call, and (unless dryRun) all were consumed. */
  allowed: boolean
  /** In the order of the request's items. */
  rules: RuleState[]
  /** Store time of the decision, epoch ms. */
  now: number
}

/**
 * The limiter store port. All items of one request are decided and consumed atomically, all or
 * nothing: if any rule refuses, no rule is consumed. One round trip per call.
 */
export interface LimiterStore {
  /** Decides every item of the request at once and consumes them all only if every one admits the call. */
  consume(request: ConsumeRequest): Promise<ConsumeResult>
  /** Forget the state of these (key, name) pairs. Names the key has no state for are ignored. */
  reset(key: string, names: string[]): Promise<void>
}
