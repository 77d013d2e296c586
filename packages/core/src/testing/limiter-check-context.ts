import type { ManualClock } from '../clock.js'
import type { ConsumeItem, ConsumeResult, LimiterStore, RuleSpec } from '../limiter/types.js'

/** What every limiter store check runs against. */
export interface LimiterCheckContext {
  store: LimiterStore
  /** The clock the store uses. Checks only ever move it forward. */
  clock: ManualClock
  /** A key no other check (or earlier run against a shared store) has used. */
  key(label?: string): string
  /** Parallel callers in the concurrency check. */
  concurrency: number
  /** fast-check runs per property. */
  numRuns: number
}

/** One conformance check: resolves when the store behaves, throws (an assertion error) when not. */
export type LimiterCheck = (ctx: LimiterCheckContext) => Promise<void>

// A random run id keeps keys apart when adapters share one Redis or database across runs.
const runId = Math.random().toString(36).slice(2, 10)
let counter = 0

/** Builds a context for `store`, using `clock`. */
export function limiterCheckContext(
  store: LimiterStore,
  clock: ManualClock,
  options: { concurrency?: number; numRuns?: number } = {},
): LimiterCheckContext {
  return {
    store,
    clock,
    key: (label = 'k') => `lim:${runId}:${++counter}:${label}`,
    concurrency: options.concurrency ?? 200,
    numRuns: options.numRuns ?? 30,
  }
}

/**
 * Moves the clock forward to the start of the next window of `windowMs`, plus `offset`.
 * Windows are aligned to the epoch, so checks that care where in a window they are start here.
 * @returns the start of that window
 */
export function alignTo(clock: ManualClock, windowMs: number, offset = 0): number {
  const start = (Math.floor(clock.now() / windowMs) + 1) * windowMs
  clock.set(start + offset)
  return start
}

export function item(key: string, name: string, rule: RuleSpec, cost = 1): ConsumeItem {
  return { key, name, rule, cost }
}

/** Consumes one item and returns its rule state next to the overall decision. */
export async function one(
  store: LimiterStore,
  key: string,
  name: string,
  rule: RuleSpec,
  cost = 1,
  dryRun = false,
): Promise<ConsumeResult['rules'][number] & { result: ConsumeResult }> {
  const result = await store.consume({ items: [item(key, name, rule, cost)], dryRun })
  const state = result.rules[0]
  if (!state) throw new Error('consume returned no rule state')
  return { ...state, result }
}

/** The state of one (key, name) as a cost-0 dry run sees it. */
export async function peekRemaining(store: LimiterStore, key: string, name: string, rule: RuleSpec): Promise<number> {
  return (await one(store, key, name, rule, 0, true)).remaining
}
