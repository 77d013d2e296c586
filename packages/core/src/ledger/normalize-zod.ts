import { toMs } from '../duration.js'
import { debitInputSchema, parse, reserveInputSchema, settleInputSchema } from '../schemas.js'
import type { NormalizedDebit, NormalizedReserve, NormalizedSettle } from './normalized.js'
import type { DebitInput, ReserveInput, SettleInput } from './types.js'

/**
 * The hot-path ledger normalisers by zod alone: what `normalizeDebit` and friends fall back to
 * when the hand-written check (fast-parse.ts) defers, and the reference it is tested against.
 * Internal: not exported from the package.
 */

/** `normalizeDebit` by zod alone. */
export function normalizeDebitWithZod(input: DebitInput): NormalizedDebit {
  const v = parse(debitInputSchema, input, 'debit')
  return {
    account: v.account,
    amount: v.amount,
    reason: v.reason,
    idempotencyKey: v.idempotencyKey ?? null,
    metadata: v.metadata ?? null,
  }
}

/** `normalizeReserve` by zod alone. */
export function normalizeReserveWithZod(input: ReserveInput): NormalizedReserve {
  const v = parse(reserveInputSchema, input, 'reserve')
  return {
    account: v.account,
    amount: v.amount,
    ttlMs: toMs(v.ttl as never, 'ttl'),
    reason: v.reason ?? 'hold',
    idempotencyKey: v.idempotencyKey ?? null,
    metadata: v.metadata ?? null,
  }
}

/** `normalizeSettle` by zod alone. */
export function normalizeSettleWithZod(input: SettleInput): NormalizedSettle {
  const v = parse(settleInputSchema, input, 'settle')
  return { holdId: v.holdId, amount: v.amount, metadata: v.metadata ?? null }
}
