import type { Duration } from '../duration.js'

/**
 * Amounts are positive safe integers of the ledger's unit (like Stripe's cents). What a unit is
 * belongs to the app: see `unitsPerCredit` in pricing.
 */
export type Amount = number

/**
 * The most units one account can hold (`available + held`): 2^53 - 1, so every total stays an
 * exact integer in JavaScript, Lua and JSON. A grant that would pass it throws `ValidationError`.
 */
export const MAX_BALANCE: Amount = Number.MAX_SAFE_INTEGER

/** Free-form JSON-serialisable data stored with a record. */
export type Metadata = Record<string, unknown>

/** A time given as epoch milliseconds or a Date. Results always use epoch milliseconds. */
export type Instant = number | Date

/** What `ledger.grant` takes: credits added to an account, once per idempotency key. */
export interface GrantInput {
  /** Who receives the credits: a user id, an org id, any string up to 200 characters. */
  account: string
  /** Units granted, a positive safe integer. */
  amount: Amount
  /** Where the credits come from, e.g. `'purchase'`, `'signup'`, `'allowance'`, `'admin'`. */
  source: string
  /** When what is left of the grant stops counting. Default: never. */
  expiresAt?: Instant | null
  /**
   * Grants with a higher priority are spent first; ties go to the soonest expiry, then the oldest.
   * @default 0
   */
  priority?: number
  /**
   * Required: the same key grants once, whatever the number of retries. Keys are scoped per
   * account: another account may use the same key for its own grant.
   */
  idempotencyKey: string
  metadata?: Metadata
}

/** What `ledger.grant` returns: the new grant and the account's balance after it. */
export interface GrantResult {
  ok: true
  grantId: string
  entryId: string
  amount: Amount
  /** Available units of the account after the grant. On replay: as it was at the original grant. */
  available: Amount
  /** True when this key was seen before and the original result is returned. */
  replayed: boolean
}

/** What `ledger.debit` takes: units taken from an account at once (a known price), if it has them. */
export interface DebitInput {
  account: string
  amount: Amount
  /** Why: the feature or operation, shown in history. */
  reason: string
  /** Retries with the same key return the original result. Refusals are not stored: a retry is evaluated afresh. */
  idempotencyKey?: string
  metadata?: Metadata
}

/** The refusal of a debit or reserve the account cannot cover; nothing was written. */
export interface InsufficientCredits {
  ok: false
  reason: 'insufficient_credits'
  available: Amount
  required: Amount
}

/** What `ledger.debit` returns: the debit entry and the balance after it, or the refusal. */
export type DebitResult =
  | { ok: true; entryId: string; amount: Amount; available: Amount; replayed: boolean }
  | InsufficientCredits

/** What `ledger.reserve` takes: units held for work whose price is known only afterwards. */
export interface ReserveInput {
  account: string
  amount: Amount
  /** How long the hold lasts if never settled or released; then it expires and the credits return. */
  ttl: Duration
  /** Shown on the debit entry written when the hold is settled. @default 'hold' */
  reason?: string
  idempotencyKey?: string
  metadata?: Metadata
}

/** Units set aside by `reserve` until `settle`, `release` or expiry. */
export interface Hold {
  id: string
  account: string
  amount: Amount
  reason: string
  /** Epoch ms. */
  expiresAt: number
  createdAt: number
}

/** What `ledger.reserve` returns: the hold and the balance after it, or the refusal. */
export type ReserveResult = { ok: true; hold: Hold; available: Amount; replayed: boolean } | InsufficientCredits

/** What `ledger.settle` takes: the hold and the units actually used. */
export interface SettleInput {
  holdId: string
  /**
   * Units actually used. Below the hold: the rest returns to the account. Above it: the extra
   * is taken from available credits as far as they go, never below zero, and the rest is
   * reported as `shortfall`. Zero charges nothing.
   *
   * The hold id is the idempotency key: settling a settled hold again with the same amount
   * returns the original result (`replayed: true`); with another amount it throws
   * `IdempotencyConflictError`.
   */
  amount: Amount
  /** Stored on the debit entry. */
  metadata?: Metadata
}

/** What `ledger.settle` returns: what was charged, given back and lost, or why the hold could not be settled. */
export type SettleResult =
  | {
      ok: true
      /** Units charged in all (from the hold and, above it, from available credits). */
      charged: Amount
      /** Units of the hold returned to the account. */
      released: Amount
      /** Units asked for but not charged because the balance ran out. */
      shortfall: Amount
      /** Units of the hold lost because their grant expired or was revoked while held. */
      forfeited: Amount
      /** The debit entry, or null when nothing was charged. */
      entryId: string | null
      available: Amount
      /** True when the hold had expired before settle; the charge then came from available credits. */
      holdExpired: boolean
      replayed: boolean
    }
  | { ok: false; reason: 'hold_not_found' | 'hold_closed' }

/** What `ledger.release` takes: the hold to give back whole. */
export interface ReleaseInput {
  holdId: string
}

/** What `ledger.release` returns: the units given back (and forfeited), or why the hold could not be released. */
export type ReleaseResult =
  | { ok: true; released: Amount; forfeited: Amount; available: Amount; replayed: boolean }
  | { ok: false; reason: 'hold_not_found' | 'hold_closed' }

/** What `ledger.revoke` takes: a grant to claw back, whole or in part (refunds, disputes). */
export interface RevokeInput {
  /**
   * The account the grant belongs to. Revoke acts within this account only: a grant of another
   * account is `grant_not_found`, and both idempotency keys (the grant's and the revoke's) are
   * this account's (keys are scoped per account).
   */
  account: string
  /** The grant, by id ... */
  grantId?: string
  /** ... or by the idempotency key it was granted with. Exactly one of the two. */
  grantIdempotencyKey?: string
  /**
   * Units to claw back at most (a partial refund): what is left of the grant now, and the rest,
   * up to the units held from it, when their holds return them (`pending` in the result).
   * Default: all that is left of the grant, and the grant ends (held units are then forfeited
   * when returned).
   */
  amount?: Amount
  reason: string
  /** Retries with the same key return the original result. */
  idempotencyKey?: string
  metadata?: Metadata
}

/** What `ledger.revoke` returns: the units clawed back now and those pending on open holds. */
export type RevokeResult =
  | {
      ok: true
      /** Units clawed back now: at most what was left of the grant. */
      revoked: Amount
      /**
       * Units of the grant that were held when the revoke landed and will be clawed back when their
       * hold returns them (on release, on expiry, or the unused part on settle). 0 when none.
       */
      pending: Amount
      account: string
      grantId: string
      entryId: string | null
      available: Amount
      replayed: boolean
    }
  | { ok: false; reason: 'grant_not_found' }

/** One live grant in a `Balance`: what is left of it and when it expires. */
export interface GrantBalance {
  id: string
  source: string
  /** Units left in the grant (not counting units held from it). */
  remaining: Amount
  amount: Amount
  priority: number
  /** Epoch ms or null for never. */
  expiresAt: number | null
  createdAt: number
}

/** An account's credits now: available, held, and the grants they come from. */
export interface Balance {
  account: string
  /** Units that can be spent now. */
  available: Amount
  /** Units held by open holds. */
  held: Amount
  /** Live grants with something left, in the order they will be spent. */
  grants: GrantBalance[]
}

/** The kinds of ledger entries: credits added (`grant`), spent (`debit`), lapsed (`expire`) or clawed back (`revoke`). */
export type EntryType = 'grant' | 'debit' | 'expire' | 'revoke'

/** One line of the append-only ledger. Positive amounts add, negative amounts take. */
export interface Entry {
  id: string
  account: string
  type: EntryType
  /** Signed units. */
  amount: number
  /** The grant for `grant`, `revoke` and grant `expire` entries; null otherwise. */
  grantId: string | null
  /** The hold a `debit` settled, or whose units were forfeited; null otherwise. */
  holdId: string | null
  /** Grant source, debit reason or revoke reason. */
  reason: string
  metadata: Metadata | null
  createdAt: number
}

/** Paging and filtering of `ledger.history`. */
export interface HistoryOptions {
  /** The `nextCursor` of the previous page. Default: the first (newest) page. */
  cursor?: string | null
  /** @default 50, at most 500 */
  limit?: number
  /** Only entries of these types. Default: every type. */
  types?: EntryType[]
}

/** One page of an account's entries, newest first. */
export interface HistoryPage {
  /** Newest first. */
  entries: Entry[]
  nextCursor: string | null
}

/** What `ledger.verify` found: the account's totals recomputed from its records, and any disagreement. */
export interface VerifyResult {
  ok: boolean
  account: string
  available: Amount
  held: Amount
  /** Sum of remainders of live grants. Must equal `available`. */
  liveRemainders: Amount
  /** Sum of all entries. Must equal `available + held`. */
  entriesSum: number
  /** Sum of open holds. Must equal `held`. */
  openHolds: Amount
  problems: string[]
}

/**
 * The credits ledger port. Memory, Postgres and Redis implement it with the same semantics,
 * proven by `ledgerSuite` from `@metered/core/testing`.
 *
 * Invariants after any sequence of calls, concurrent or not:
 * `available == Σ live grant remainders`, `available + held == Σ entries`, nothing below zero.
 */
export interface Ledger {
  /** Adds credits; the idempotency key makes it happen once. */
  grant(input: GrantInput): Promise<GrantResult>
  /** Takes units now if the account has them; refuses otherwise, writing nothing. */
  debit(input: DebitInput): Promise<DebitResult>
  /** Holds units for work in progress; refuses if the account cannot cover them. */
  reserve(input: ReserveInput): Promise<ReserveResult>
  /** Charges the units actually used from a hold and gives the rest back. */
  settle(input: SettleInput): Promise<SettleResult>
  /** Gives a hold back whole (the work failed or was cancelled). */
  release(input: ReleaseInput): Promise<ReleaseResult>
  /** Claws a grant back, whole or in part, including units its open holds return later. */
  revoke(input: RevokeInput): Promise<RevokeResult>
  /** The account's available and held units and its live grants. */
  balance(account: string): Promise<Balance>
  /** The account's entries, newest first, a page at a time. */
  history(account: string, options?: HistoryOptions): Promise<HistoryPage>
  /** Recomputes the account's totals from its grants, holds and entries and reports any disagreement. */
  verify(account: string): Promise<VerifyResult>
}

/**
 * Reads straight from the store, bypassing the adapter's own queries, so the suite can check
 * what was actually written (e.g. that a refused call wrote nothing).
 */
export interface LedgerRawReaders {
  /** Every entry of the account, any order. */
  entries(account: string): Promise<Array<{ type: EntryType; amount: number }>>
  /** Every grant of the account, live or not, with its stored remainder. */
  grants(account: string): Promise<Array<{ id: string; amount: number; remaining: number }>>
}
