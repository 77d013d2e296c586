import type { ReserveInput, ReserveResult, SettleInput, SettleResult } from '../ledger/types.js'
import type { ConsumeRequest, ConsumeResult } from '../limiter/types.js'

/**
 * The memory stores' synchronous cores, for the memory authorizer: running limiter check,
 * reserve and limiter commit without an await in between is what makes them one atomic step
 * in a single process. Not part of the public API.
 */
export const memorySync: unique symbol = Symbol('metered.memorySync')

export interface MemoryLedgerSync {
  reserve(input: ReserveInput): ReserveResult
  settle(input: SettleInput): SettleResult
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
