import { limiterStoreFrom } from '../adapter/limiter-store-from.js'
import { type Clock, systemClock } from '../clock.js'
import { ValidationError } from '../errors.js'
import type { RuleStateData } from '../limiter/algorithms.js'
import { evaluateConsume } from '../limiter/evaluate-consume.js'
import type { LimiterDriver } from '../limiter/limiter-driver.js'
import { stateExpiresAt } from '../limiter/state-expiry.js'
import type { ConsumeRequest, ConsumeResult, LimiterStore } from '../limiter/types.js'
import { attachSync, type MemoryLimiterSync } from './memory-sync.js'

/** Options of `createMemoryLimiterStore`. */
export interface MemoryLimiterStoreOptions {
  /**
   * Where time comes from. Tests pass a `ManualClock` to move time without waiting.
   * @default systemClock (`Date.now()`)
   * @example createMemoryLimiterStore({ clock: createManualClock() })
   */
  clock?: Clock
  /**
   * Writes between two sweeps of expired state, at least. A sweep walks every stored state, so
   * it waits for as many writes as there were states after the previous sweep (amortised O(1)
   * per write), and at least `sweepEvery`.
   * @default 1000
   * @example createMemoryLimiterStore({ sweepEvery: 100 })
   */
  sweepEvery?: number
}

/** The memory store also tells how many rule states it holds, so tests can see expiry at work. */
export interface MemoryLimiterStore extends LimiterStore {
  /** Rule states currently held, expired ones not yet dropped included. */
  size(): number
}

interface Stored {
  state: RuleStateData
  /** From this epoch ms the state no longer matters (see `stateExpiresAt`). */
  expiresAt: number
}

/**
 * The in-process limiter store: the reference implementation of docs/semantics.md (Limiter
 * store) and the model the conformance suite compares other stores against.
 *
 * Every call does all its work synchronously between two awaits, so concurrent callers in one
 * process are serialised by the event loop: a consume is atomic without locks. State lives in
 * this process only — use it for tests, single-instance apps and as a fallback store; several
 * server instances need a shared store (Redis, Postgres).
 *
 * Memory stays bounded by live keys: a state is dropped when a call finds it expired, and a
 * sweep on writes drops the rest. No timers, so it never keeps the process alive.
 * @example
 * const limiter = createLimiter({ store: createMemoryLimiterStore(), rules: { minute: slidingWindow({ limit: 60, window: '1 m' }) } })
 */
export function createMemoryLimiterStore(options: MemoryLimiterStoreOptions = {}): MemoryLimiterStore {
  const clock = options.clock ?? systemClock
  const sweepEvery = options.sweepEvery ?? 1000
  if (!Number.isSafeInteger(sweepEvery) || sweepEvery < 1) {
    throw new ValidationError([{ path: 'sweepEvery', message: 'must be a positive integer' }], 'memory limiter options')
  }
  /** key -> rule name -> state. Nested so `reset(key)` finds a key's states without a scan. */
  const states = new Map<string, Map<string, Stored>>()
  let size = 0
  let writesSinceSweep = 0
  // Compared with the size at the last sweep, not the current one: a store growing by fresh keys
  // would otherwise never catch up with its own size and never sweep.
  let sizeAtSweep = 0

  function read(key: string, name: string, now: number): RuleStateData | null {
    const byName = states.get(key)
    const stored = byName?.get(name)
    if (!byName || !stored) return null
    if (now >= stored.expiresAt) {
      remove(byName, key, name)
      return null
    }
    return stored.state
  }

  function remove(byName: Map<string, Stored>, key: string, name: string): void {
    if (byName.delete(name)) size--
    if (byName.size === 0) states.delete(key)
  }

  function write(key: string, name: string, stored: Stored): void {
    let byName = states.get(key)
    if (!byName) {
      byName = new Map()
      states.set(key, byName)
    }
    if (!byName.has(name)) size++
    byName.set(name, stored)
  }

  function sweep(now: number): void {
    for (const [key, byName] of states) {
      for (const [name, stored] of byName) {
        if (now >= stored.expiresAt) remove(byName, key, name)
      }
    }
    writesSinceSweep = 0
    sizeAtSweep = size
  }

  /** A request `limiterStoreFrom` (or core's own planning) has already validated. */
  function consumeNow({ items, dryRun }: ConsumeRequest): ConsumeResult {
    // One `now` for every item: the rules of one call are decided at the same instant.
    const now = clock.now()
    const { result, evaluations } = evaluateConsume(
      items,
      items.map((item) => read(item.key, item.name, now)),
      now,
    )
    if (result.allowed && !dryRun) {
      items.forEach((item, i) => {
        const next = evaluations[i]!.next
        write(item.key, item.name, { state: next, expiresAt: stateExpiresAt(item.rule, next) })
      })
      writesSinceSweep += items.length
      if (writesSinceSweep >= Math.max(sweepEvery, sizeAtSweep)) sweep(now)
    }
    return result
  }

  const driver: LimiterDriver = {
    async consume(request) {
      return consumeNow(request)
    },

    async reset(key, names) {
      const byName = states.get(key)
      if (!byName) return
      for (const name of names) remove(byName, key, name)
    },
  }
  attachSync<LimiterDriver, MemoryLimiterSync>(driver, { consume: consumeNow })
  return Object.assign(limiterStoreFrom(driver), { size: () => size })
}
