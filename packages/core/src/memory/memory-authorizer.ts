import { ValidationError } from '../errors.js'
import type { Ledger, ReserveInput } from '../ledger/types.js'
import type { LimiterStore } from '../limiter/types.js'
import { normalizeAuthorizeInput } from '../metering/authorize-input.js'
import type { Authorizer, AuthorizeStoreResult } from '../metering/authorizer-types.js'
import { type MemoryLedgerSync, type MemoryLimiterSync, syncOf } from './memory-sync.js'

/**
 * The one-step authorize over a memory ledger and a memory limiter store: check, decide and
 * commit run without an await in between, so no other caller can interleave. The reference
 * for the Postgres and Redis authorizers.
 */
export function createMemoryAuthorizer(ledger: Ledger, limiterStore: LimiterStore): Authorizer {
  const ledgerSync = syncOf<MemoryLedgerSync>(ledger)
  const limiterSync = syncOf<MemoryLimiterSync>(limiterStore)
  if (!ledgerSync || !limiterSync) {
    throw new ValidationError([
      { path: 'stores', message: 'the memory authorizer needs the memory ledger and limiter store' },
    ])
  }
  return {
    limiterStore,
    async authorize(input): Promise<AuthorizeStoreResult> {
      normalizeAuthorizeInput(input) // bad input is refused before anything is read or written
      const check = limiterSync.consume({ items: input.limits.items, dryRun: true })
      const available = ledgerSync.available(input.account)
      if (available < input.amount) {
        return { ok: false, reason: 'insufficient_credits', available, required: input.amount, limits: check }
      }
      if (!check.allowed) return { ok: false, reason: 'rate_limited', available, limits: check }
      // Field by field rather than conditional spreads: this runs on every call.
      const reserve: ReserveInput = {
        account: input.account,
        amount: input.amount,
        ttl: input.ttl,
        reason: input.reason,
      }
      if (input.idempotencyKey) reserve.idempotencyKey = input.idempotencyKey
      if (input.metadata) reserve.metadata = input.metadata
      const reserved = ledgerSync.reserve(reserve)
      if (!reserved.ok) {
        return {
          ok: false,
          reason: 'insufficient_credits',
          available: reserved.available,
          required: input.amount,
          limits: check,
        }
      }
      // A replayed key consumed its limiter units the first time.
      const limits = reserved.replayed ? check : limiterSync.consume({ items: input.limits.items })
      if (!input.charge) {
        return {
          ok: true,
          holdId: reserved.hold.id,
          entryId: null,
          available: reserved.available,
          limits,
          replayed: reserved.replayed,
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
        replayed: reserved.replayed,
      }
    },
  }
}
