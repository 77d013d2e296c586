import { expect } from 'vitest'
import type { ManualClock } from '../clock.js'
import type { UsageBucket, UsageEventInput, UsageStats, UsageStatsQuery, UsageStore } from '../usage/types.js'
import type { SuiteOptions } from './types.js'

/** What one usage check runs against: the store under test, its clock and the suite options. */
export interface UsageCheckEnv {
  usage: UsageStore
  clock: ManualClock
  options: SuiteOptions
}

/** One conformance check. Throws (a failed `expect`) when the store breaks the contract. */
export type UsageCheck = (env: UsageCheckEnv) => Promise<void>

export const HOUR = 3_600_000
export const DAY = 86_400_000

/** A fresh id, so tests never see each other's rows in a shared database. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`
}

/**
 * Midnight UTC of a random day between 2200 and ~9000: a time range no other test writes into,
 * so `ALL_ACCOUNTS` queries over it see only this test's events even in a shared database. Years stay
 * four-digit so adapters that pass ISO strings to their database are not tripped up.
 */
export function uniqueDay(): number {
  const days = Math.floor(Math.random() * 6800 * 365)
  return Date.UTC(2200, 0, 1) + days * DAY
}

/** A valid event with every optional count at zero unless overridden. */
export function usageEvent(account: string, at: number, overrides: Partial<UsageEventInput> = {}): UsageEventInput {
  return { account, feature: 'chat', amount: 1, status: 'ok', at, ...overrides }
}

/** Expects a `ValidationError`, matched by `code` (class identity differs across bundles). */
export async function expectValidationError(promise: Promise<unknown>): Promise<void> {
  await expect(promise).rejects.toMatchObject({ code: 'validation_error' })
}

/** Expects a `NotFoundError`, matched by `code`. */
export async function expectNotFound(promise: Promise<unknown>): Promise<void> {
  await expect(promise).rejects.toMatchObject({ code: 'not_found' })
}

type Totals = Omit<UsageBucket, 'start' | 'feature'>

function zero(): Totals {
  return { events: 0, amount: 0, inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, quantity: 0, errors: 0 }
}

function add(t: Totals, e: UsageEventInput): void {
  t.events += 1
  t.amount += e.amount
  t.inputTokens += e.inputTokens ?? 0
  t.cachedInputTokens += e.cachedInputTokens ?? 0
  t.outputTokens += e.outputTokens ?? 0
  t.quantity += e.quantity ?? 0
  t.errors += e.status === 'error' ? 1 : 0
}

/**
 * The stats a correct store returns for `events`, computed here from calendar fields rather
 * than the arithmetic the memory store uses, so the suite does not share the store's mistakes.
 * Every event must carry an explicit `at`.
 */
export function expectedStats(events: UsageEventInput[], query: UsageStatsQuery): UsageStats {
  const from = Number(query.from)
  const to = Number(query.to)
  const totals = zero()
  const buckets = new Map<string, UsageBucket>()
  for (const e of events) {
    const at = Number(e.at)
    if (!(at >= from && at < to)) continue
    const d = new Date(at)
    const hour = query.bucket === 'hour' ? d.getUTCHours() : 0
    const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hour)
    const feature = query.by === 'feature' ? e.feature : null
    const key = JSON.stringify([start, feature])
    const bucket = buckets.get(key) ?? { start, feature, ...zero() }
    add(bucket, e)
    buckets.set(key, bucket)
    add(totals, e)
  }
  const ordered = [...buckets.values()].sort(
    (a, b) => a.start - b.start || (String(a.feature) < String(b.feature) ? -1 : 1),
  )
  return { buckets: ordered, totals }
}

/** Records events one after another (their order matters for `list` ties). */
export async function recordAll(usage: UsageStore, events: UsageEventInput[]): Promise<string[]> {
  const ids: string[] = []
  for (const e of events) ids.push((await usage.record(e)).id)
  return ids
}
