import type { Clock } from '../clock.js'
import type { Duration } from '../duration.js'
import type { Ledger, Metadata } from '../ledger/types.js'
import type { LimitContext, Limiter, LimitResult } from '../limiter/limiter-types.js'
import type { Credits } from '../pricing/credits.js'
import type { MeteredUsage, Pricer } from '../pricing/types.js'
import type { UsageStatus, UsageStore } from '../usage/types.js'
import type { UserStore } from '../users/types.js'
import type { Authorizer } from './authorizer-types.js'

/** A plan's recurring credits, granted lazily once per period and expiring at its end. */
export interface Allowance {
  /** Credits per period (decimals allowed when units are finer than credits). */
  credits: number
  every: 'day' | 'month'
  /** Grant source, also part of the idempotency key. @default 'allowance' */
  source?: string
  /** Spent before purchased credits (priority 0). @default 10 */
  priority?: number
}

/** Why `authorize` said no: the same words as the HTTP problem codes (`@metered/core/http`). */
export type RefusalReason = 'insufficient_credits' | 'rate_limited' | 'store_unavailable'

/**
 * What every refusal says, in `authorize`'s result, the `denied` event and `MeteredRefusalError`
 * alike. Narrow on `reason`:
 * - `insufficient_credits`: `available` and `required` are known; no wait helps, so `retryAfter` is null;
 * - `rate_limited`, `store_unavailable`: `retryAfter` is the wait in ms before a retry can pass,
 *   `limit` the limiter's result (null when the limiter was not what failed), `available` when known.
 */
export type Refusal =
  | {
      reason: 'insufficient_credits'
      available: number
      required: number
      retryAfter: null
      limit: null
    }
  | {
      reason: 'rate_limited' | 'store_unavailable'
      available: number | null
      required: null
      retryAfter: number
      limit: LimitResult | null
    }

/** A refused `authorize`: nothing was held, charged or consumed. Amounts in ledger units. */
export type AuthorizeRefusal = { ok: false } & Refusal

/** What `onEvent` receives: denials, low balances, shortfalls, allowance grants and expiring grants. */
export type MeteredEvent =
  | ({ type: 'denied'; account: string; feature: string } & Refusal)
  | { type: 'low_balance'; account: string; available: number; threshold: number }
  | { type: 'shortfall'; account: string; feature: string; shortfall: number }
  | { type: 'allowance_granted'; account: string; amount: number; source: string; expiresAt: number; replayed: boolean }
  | { type: 'grant_expiring'; account: string; grantId: string; source: string; remaining: number; expiresAt: number }

/** What `createMetered` takes: the stores, the prices and the credit unit. */
export interface MeteredOptions {
  /** Where credits are granted, held and charged (`createPostgresStores()`, `createRedisStores()`, `createMemoryStores()`). */
  ledger: Ledger
  /** Rate limits checked by `authorize`. Default: none (no rules are checked). */
  limiter?: Limiter | null
  /** Where settled calls are recorded. Default: none (no usage log, no usage stats). */
  usage?: UsageStore | null
  /** Profiles, roles and plans (the auth glue and the admin routes read it). Default: none. */
  users?: UserStore | null
  /**
   * Pricers by feature name, used to price `estimate` and `settle({ usage })`. Default: none, so
   * only credit amounts (not usage) can be estimated and settled.
   */
  pricing?: Record<string, Pricer>
  /**
   * Ledger units per credit. 1000 keeps milli-credits, so a 0.39-credit call is charged 390
   * units instead of being rounded up to a whole credit. Set here only: everything else (Stripe,
   * auth, export, the HTTP routes) reads it from `metered.credits`.
   * @default 1
   */
  unitsPerCredit?: number
  /** How long a hold lives if never settled (a crashed request). @default '10 m' */
  holdTtl?: Duration
  /** Recurring credits per account; a function can depend on the caller's plan. Default: none. */
  allowances?: Allowance[] | ((ctx: { account: string; plan?: string | null }) => Allowance[])
  /**
   * Emit `grant_expiring` (once per grant and instance) when, after a charge, a grant with credits
   * left expires within this span. Costs one balance read per settle; off by default.
   */
  expiringWithin?: Duration
  /** Emit `low_balance` when a settle leaves fewer credits than this. Default: never emitted. */
  lowBalanceCredits?: number
  /**
   * Notified of denials, low balances, shortfalls and allowance grants. Errors thrown here are
   * ignored. Default: none.
   */
  onEvent?: (event: MeteredEvent) => void | Promise<void>
  /** Time source for allowance periods and latency. @default system clock */
  clock?: Clock
  /**
   * Decides limits and credits in ONE store call when the limiter's store is this authorizer's
   * (`createMemoryStores()`, `createPostgresStores()` and `createRedisStores()` return one as
   * `authorizer`, so spreading the stores wires it). Otherwise authorize takes two steps.
   * Default: none (two steps), unless the spread stores bring one.
   */
  authorizer?: Authorizer | null
}

/** What `metered.authorize` takes: who is calling, which feature, and its price or worst-case estimate. */
export interface AuthorizeInput {
  account: string
  /** The metered feature; picks the pricer and labels usage. */
  feature: string
  /** A known price in credits: charged at authorize (the ticket's settle only records usage). */
  price?: number
  /** The worst case: credits, or usage priced with the feature's pricer. A hold of that size is placed. */
  estimate?: number | MeteredUsage
  /** The limiter key. @default the account; null skips rate limiting */
  limitKey?: string | null
  limitContext?: LimitContext
  /** Only these limiter rules. @default all */
  limitRules?: string[]
  /** Limiter rules whose cost is the credits held (spend caps), in ledger units; others cost 1. */
  spendCaps?: string[]
  /** The signed-in user when the account is shared. */
  userId?: string | null
  /** For plan allowances. */
  plan?: string | null
  /** Makes the hold (or fixed charge) idempotent across retries. */
  idempotencyKey?: string
  /** @default options.holdTtl */
  ttl?: Duration
  metadata?: Metadata
}

/** What `ticket.settle` takes: the actual usage (priced by the feature's pricer), credits or units. */
export interface SettleTicketInput {
  /** What the call used; priced with the feature's pricer. */
  usage?: MeteredUsage
  /** Or the charge in credits, overriding the pricer. */
  credits?: number
  /** Or the charge in ledger units. */
  units?: number
  /** @default 'ok' */
  status?: UsageStatus
  metadata?: Metadata
}

/** What `ticket.settle` and `ticket.cancel` return. */
export interface TicketSettlement {
  /** Units charged by this ticket in all. */
  charged: number
  /** Units asked for but not charged because the balance ran out. */
  shortfall: number
  /** Units available after settling. */
  available: number
}

/** An admitted call: its hold (or fixed charge) waiting for `settle` or `cancel`. */
export interface Ticket {
  readonly account: string
  readonly feature: string
  /** `debit`: charged at authorize (fixed price); `reserve`: a hold waiting for the actual amount. */
  readonly mode: 'debit' | 'reserve'
  /** The hold waiting for settle (reserve mode); null in debit mode. */
  readonly holdId: string | null
  /** Units held or charged at authorize. */
  readonly amount: number
  /** Charges the actual amount (reserve mode) and records usage. Calling it again returns the first result. */
  settle(input?: SettleTicketInput): Promise<TicketSettlement>
  /** Gives the hold back (reserve mode) and records the call as failed. No-op once settled. */
  cancel(input?: { status?: UsageStatus; usage?: MeteredUsage }): Promise<TicketSettlement>
}

/** What `metered.authorize` returns: a ticket and the limiter's state, or the refusal (nothing consumed). */
export type AuthorizeResult =
  | { ok: true; ticket: Ticket; limit: LimitResult | null; available: number }
  | AuthorizeRefusal

/** A metering instance (`createMetered`): authorize calls, read balances, and its stores and credit unit. */
export interface Metered {
  readonly ledger: Ledger
  readonly limiter: Limiter | null
  readonly usage: UsageStore | null
  readonly users: UserStore | null
  /**
   * The app's credit unit (`unitsPerCredit`) and every conversion: `toUnits`, `toCredits`,
   * `format`. Hand the instance (or this) to Stripe, auth and export; never the number again.
   */
  readonly credits: Credits
  /** Rate limit, then hold (or charge) credits, as one decision: a refusal consumes nothing. */
  authorize(input: AuthorizeInput): Promise<AuthorizeResult>
  /** Exact price of a usage for a feature, in ledger units (rounded up once). */
  priceUnits(feature: string, usage: MeteredUsage): number
  /** Grants the account's allowances for the current period if not yet granted. */
  ensureAllowances(account: string, plan?: string | null): Promise<void>
}
