import { authorizerFrom } from '../adapter/authorizer-from.js'
import { driverOf } from '../driver-of.js'
import { IdempotencyConflictError, ValidationError } from '../errors.js'
import type { Ledger } from '../ledger/types.js'
import type { LimiterStore } from '../limiter/types.js'
import type { AuthorizerDriver } from '../metering/authorizer-driver.js'
import type { Authorizer, AuthorizeStoreResult } from '../metering/authorizer-types.js'
import { type MemoryLedgerSync, type MemoryLimiterSync, syncOf } from './memory-sync.js'

/**
 * The one-step authorize over a memory ledger and a memory limiter store: check, decide and
 * commit run without an await in between, so no other caller can interleave. The reference
 * for the Postgres and Redis authorizers (docs/semantics.md, "One-step authorize").
 */
export function createMemoryAuthorizer(ledger: Ledger, limiterStore: LimiterStore): Authorizer {
  const ledgerDriver = driverOf<object>(ledger)
  const limiterDriver = driverOf<object>(limiterStore)
  const ledgerSync = ledgerDriver && syncOf<MemoryLedgerSync>(ledgerDriver)
  const limiterSync = limiterDriver && syncOf<MemoryLimiterSync>(limiterDriver)
  if (!ledgerSync || !limiterSync) {
    throw new ValidationError([
      { path: 'stores', message: 'the memory authorizer needs the memory ledger and limiter store' },
    ])
  }

  const driver: AuthorizerDriver = {
    async authorize({ reserve, fingerprint, charge, items }): Promise<AuthorizeStoreResult> {
      // A retry of a call that succeeded: its original outcome, with the rules as they stand now
      // (a dry run, nothing consumed). Comes before every check, so neither a balance the first
      // call drained nor a rule it spent can refuse its own retry.
      const original = ledgerSync.replayReserve(reserve, fingerprint)
      if (original) {
        const limits = limiterSync.consume({ items, dryRun: true })
        if (!charge) {
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
        const settled = ledgerSync.settledResult(original.hold.id)
        if (!settled || settled.charged !== reserve.amount || settled.holdExpired) {
          throw new IdempotencyConflictError(reserve.idempotencyKey!)
        }
        return {
          ok: true,
          holdId: null,
          entryId: settled.entryId,
          available: settled.available,
          limits,
          replayed: true,
        }
      }
      const check = limiterSync.consume({ items, dryRun: true })
      const available = ledgerSync.available(reserve.account)
      if (available < reserve.amount) {
        return { ok: false, reason: 'insufficient_credits', available, required: reserve.amount, limits: check }
      }
      if (!check.allowed) return { ok: false, reason: 'rate_limited', available, limits: check }
      const reserved = ledgerSync.reserve(reserve, fingerprint)
      if (!reserved.ok || reserved.replayed) throw new Error('unreachable: the key was new and the balance suffices')
      const limits = limiterSync.consume({ items })
      if (!charge) {
        return {
          ok: true,
          holdId: reserved.hold.id,
          entryId: null,
          available: reserved.available,
          limits,
          replayed: false,
        }
      }
      const settled = ledgerSync.settle({ holdId: reserved.hold.id, amount: reserve.amount, metadata: null })
      if (!settled.ok) throw new Error('unreachable: a fresh hold always settles')
      return { ok: true, holdId: null, entryId: settled.entryId, available: settled.available, limits, replayed: false }
    },
  }
  return authorizerFrom(driver, limiterStore)
}
