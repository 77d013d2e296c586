import type { NormalizedReserve, NormalizedSettle } from '../ledger/normalized.js'
import type { ReserveResult, SettleResult } from '../ledger/types.js'
import type { ConsumeRequest, ConsumeResult } from '../limiter/types.js'

/**
 * The memory drivers' synchronous cores, for the memory authorizer: running limiter check,
 * reserve and limiter commit without an await in between is what makes them one atomic step
 * in a single process. They take validated input, like the drivers they belong to. Not part of
 * the public API.
 */
export const memorySync: unique symbol = Symbol('metered.memorySync')

export interface MemoryLedgerSync {
  /**
   * The stored result of a keyed reserve with the same fingerprint (`replayed: true`), or
   * undefined when the key is new. Throws `IdempotencyConflictError` when it was bound to
   * other parameters. Writes nothing, not even housekeeping.
   */
  replayReserve(
    input: NormalizedReserve,
    fingerprint: string | null,
  ): (ReserveResult & { ok: true; replayed: true }) | undefined
  /** The result a settled hold was settled with; undefined for an unknown or unsettled hold. */
  settledResult(holdId: string): (SettleResult & { ok: true }) | undefined
  reserve(input: NormalizedReserve, fingerprint: string | null): ReserveResult
  settle(input: NormalizedSettle): SettleResult
  /** Available units after housekeeping. */
  available(account: string): number
}

export interface MemoryLimiterSync {
  consume(request: ConsumeRequest): ConsumeResult
}

export function attachSync<T extends object, S>(target: T, sync: S): T {
  Object.defineProperty(target, memorySync, { value: sync, enumerable: false })
  return target
}

export function syncOf<S>(target: object): S | undefined {
  return (target as Record<typeof memorySync, S | undefined>)[memorySync]
}
