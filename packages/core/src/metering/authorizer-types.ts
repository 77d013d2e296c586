import type { Duration } from '../duration.js'
import type { Metadata } from '../ledger/types.js'
import type { ConsumeRequest, ConsumeResult, LimiterStore } from '../limiter/types.js'

/** What `Authorizer.authorize` takes: the hold (or charge) and the limiter items, decided in one store call. */
export interface AuthorizeStoreInput {
  account: string
  /** Units to hold (or, with `charge`, to debit). */
  amount: number
  /** Hold lifetime (ignored with `charge`). */
  ttl: Duration
  /** Debit reason, or the reason of the debit written when the hold settles. */
  reason: string
  /** A known price: debit `amount` now instead of holding it. */
  charge: boolean
  idempotencyKey?: string
  metadata?: Metadata
  /** The limiter items to check and consume with it (from `limiter.plan()`); not a dry run. */
  limits: ConsumeRequest
}

/** What `Authorizer.authorize` returns: the hold or charge with the rules' states, or the refusal (nothing written). */
export type AuthorizeStoreResult =
  | {
      ok: true
      /** The hold placed (reserve) or null (charge). */
      holdId: string | null
      /** The debit entry (charge) or null (reserve). */
      entryId: string | null
      /** Units available afterwards. */
      available: number
      limits: ConsumeResult
      replayed: boolean
    }
  | {
      ok: false
      reason: 'insufficient_credits'
      available: number
      required: number
      /** The limits as a dry run saw them (nothing consumed). */
      limits: ConsumeResult
    }
  | { ok: false; reason: 'rate_limited'; available: number; limits: ConsumeResult }

/**
 * One atomic step over limits and balance, for stores that hold both (one Lua script on Redis,
 * one SQL function call on Postgres, one synchronous step in memory):
 *
 * 1. idempotency first: a key seen with the same parameters (the reserve's fingerprint)
 *    returns the original outcome (`replayed: true`, same hold or entry, `available` as stored,
 *    `limits` evaluated now as a dry run) even when the balance or a rule would refuse a fresh
 *    call, consuming nothing; other parameters throw `IdempotencyConflictError`;
 * 2. housekeeping of the account, then check `available >= amount`;
 * 3. evaluate every limiter item at the store's now (as a dry run);
 * 4. balance short -> `insufficient_credits`; else any rule refusing -> `rate_limited`;
 *    either way NOTHING is written (no hold, no limiter state);
 * 5. else commit the limiter items and place the hold (or write the debit) under the key.
 */
export interface Authorizer {
  /** The limiter store whose state this authorizer shares. `createMetered` uses the one-step path only when the limiter's store is this one. */
  readonly limiterStore: LimiterStore
  /** Checks the rules and the balance and places the hold (or debit) in one atomic store call. */
  authorize(input: AuthorizeStoreInput): Promise<AuthorizeStoreResult>
}
