import type { EntryType, Metadata } from './types.js'

/**
 * Validated, defaulted ledger inputs. Every adapter normalises first, so bad input is refused
 * the same way everywhere before anything reaches a store.
 */
export interface NormalizedGrant {
  account: string
  amount: number
  source: string
  expiresAt: number | null
  priority: number
  idempotencyKey: string
  metadata: Metadata | null
}

/** A `DebitInput` after validation and defaults, as a `LedgerDriver` receives it. */
export interface NormalizedDebit {
  account: string
  amount: number
  reason: string
  idempotencyKey: string | null
  metadata: Metadata | null
}

/** A `ReserveInput` after validation and defaults (the ttl in milliseconds). */
export interface NormalizedReserve {
  account: string
  amount: number
  ttlMs: number
  reason: string
  idempotencyKey: string | null
  metadata: Metadata | null
}

/** A `SettleInput` after validation. */
export interface NormalizedSettle {
  holdId: string
  amount: number
  metadata: Metadata | null
}

/** A `RevokeInput` after validation. */
export interface NormalizedRevoke {
  account: string
  grantId: string | null
  grantIdempotencyKey: string | null
  amount: number | null
  reason: string
  idempotencyKey: string | null
  metadata: Metadata | null
}

/** History paging options after validation and defaults. */
export interface NormalizedHistory {
  cursor: string | null
  limit: number
  types: EntryType[] | null
}
