import { IdempotencyConflictError, ValidationError } from '../errors.js'
import type { Ledger, ReserveInput } from '../ledger/types.js'
import type { LimiterStore } from '../limiter/types.js'
import { normalizeAuthorizeInput } from '../metering/authorize-input.js'
import type { Authorizer, AuthorizeStoreInput, AuthorizeStoreResult } from '../metering/authorizer-types.js'
import { type MemoryLedgerSync, type MemoryLimiterSync, syncOf } from './memory-sync.js'

/**
 * The one-step authorize over a memory ledger and a memory limiter store: check, decide and
 * commit run without an await in between, so no other caller can interleave. The reference
 * for the Postgres and Redis authorizers (docs/semantics.md, "One-step authorize").
 */
export function createMemoryAuthorizer(ledger: Ledger, limiterStore: LimiterStore): Authorizer {
  const ledgerSync = syncOf<MemoryLedgerSync>(ledger)
  const limiterSync = syncOf<MemoryLimiterSync>(limiterStore)
  if (!ledgerSync || !limiterSync) {
    throw new ValidationError([
      { path: 'stores', message: 'the memory authorizer needs the memory ledger and limiter store' },
    ])
  }

  /**
   * A retry of a call that succeeded: its original outcome, with the rules as they stand now
   * (a dry run, nothing consumed). Comes before every check, so neither a balance the first
   * call drained nor a rule it spent can refuse its own retry.
   */
  function replayOf(input: AuthorizeStoreInput, reserve: ReserveInput): AuthorizeStoreResult | undefined {
    const original = ledgerSync!.replayReserve(reserve)
    if (!original) return undefined
    const limits = limiterSync!.consume({ items: input.limits.items, dryRun: true })
    if (!input.charge) {
      return {
        ok: true,
        holdId: original.hold.id,
        entryId: null,
        available: original.available,
        limits,
        replayed: true,
      }
    }
    // A charge settled its hold at once for the full amount; anything else under this key
    // was a hold-mode call with the same parameters, not this charge.
    const settled = ledgerSync!.settledResult(original.hold.id)
    if (!settled || settled.charged !== input.amount || settled.holdExpired) {
      throw new IdempotencyConflictError(input.idempotencyKey!)
    }
    return { ok: true, holdId: null, entryId: settled.entryId, available: settled.available, limits, replayed: true }
  }

  return {
    limiterStore,
    async authorize(input): Promise<AuthorizeStoreResult> {
      normalizeAuthorizeInput(input) // bad input is refused before anything is read or written
      const reserve: ReserveInput = {
        account: input.account,
        amount: input.amount,
        ttl: input.ttl,
        reason: input.reason,
      }
      if (input.idempotencyKey) {
        reserve.idempotencyKey = input.idempotencyKey
        const replayed = replayOf(input, reserve)
        if (replayed) return replayed
      }
      if (input.metadata) reserve.metadata = input.metadata
      const check = limiterSync.consume({ items: input.limits.items, dryRun: true })
      const available = ledgerSync.available(input.account)
      if (available < input.amount) {
        return { ok: false, reason: 'insufficient_credits', available, required: input.amount, limits: check }
      }
      if (!check.allowed) return { ok: false, reason: 'rate_limited', available, limits: check }
      const reserved = ledgerSync.reserve(reserve)
      if (!reserved.ok || reserved.replayed) throw new Error('unreachable: the key was new and the balance suffices')
      const limits = limiterSync.consume({ items: input.limits.items })
      if (!input.charge) {
        return {
          ok: true,
          holdId: reserved.hold.id,
          entryId: null,
          available: reserved.available,
          limits,
          replayed: false,
        }
      }
      const settled = ledgerSync.settle({ holdId: reserved.hold.id, amount: input.amount })
      if (!settled.ok) throw new Error('unreachable: a fresh hold always settles')
      return {
        ok: true,
        holdId: null,
        entryId: settled.entryId,
        available: settled.available,
        limits,
        replayed: false,
      }
    },
  }
}
