import { expect } from 'vitest'
import type { ManualClock } from '../clock.js'
import type { Entry, GrantInput, GrantResult, HistoryPage, Ledger } from '../ledger/types.js'
import type { LedgerHarness, LedgerRawReaders } from './types.js'

/** What every ledger check runs with. */
export interface LedgerCheckContext {
  harness: LedgerHarness
  /** The clock the adapter was created with; checks move it forward, never back. */
  clock: ManualClock
  /** Parallel callers in the concurrency checks. */
  concurrency: number
  /** fast-check runs of the property check. */
  numRuns: number
  /** Store calls the chaos check makes at most. @default 1500 */
  chaosOps?: number
  /** Time after which the chaos check starts no new round. @default 8000 */
  chaosMs?: number
  /** Seed of the chaos check. @default the properties' seed (`FC_SEED`, else fixed), printed on failure */
  chaosSeed?: number
}

/** One conformance check: resolves when the adapter conforms, rejects with the first failed assertion. */
export type LedgerCheck = (ctx: LedgerCheckContext) => Promise<void>

/** A fresh id, so checks never see each other's accounts or keys in a shared store. */
export function uid(prefix: string): string {
  return `${prefix}-${crypto.randomUUID()}`
}

/** Narrows a result to its ok branch, failing with the whole result when it is a refusal. */
export function okResult<T extends { ok: boolean }>(result: T, what: string): Extract<T, { ok: true }> {
  if (!result.ok) throw new Error(`${what}: expected ok, got ${JSON.stringify(result)}`)
  return result as Extract<T, { ok: true }>
}

/** Grants with a fresh idempotency key. */
export function grant(
  ledger: Ledger,
  account: string,
  amount: number,
  extra: Partial<Omit<GrantInput, 'account' | 'amount'>> = {},
): Promise<GrantResult> {
  return ledger.grant({ account, amount, source: 'test', idempotencyKey: uid('grant'), ...extra })
}

export async function entriesSum(raw: LedgerRawReaders, account: string): Promise<number> {
  return exactSum((await raw.entries(account)).map((e) => e.amount))
}

/**
 * The sum of signed amounts, exact whatever their order: near MAX_BALANCE a partial sum of
 * entries read out of order (all grants first) can pass 2^53, where doubles round.
 */
export function exactSum(amounts: number[]): number {
  return Number(amounts.reduce((s, a) => s + BigInt(a), 0n))
}

/**
 * The invariants every check ends with, read three independent ways: the adapter's `verify`,
 * its `balance`, and the raw rows. `available + held == Σ entries`, `available == Σ remainders`
 * (expired and revoked grants hold 0 once housekept), nothing below zero.
 */
export async function expectSound(harness: LedgerHarness, account: string): Promise<void> {
  const { ledger, raw } = harness
  const balance = await ledger.balance(account)
  const verified = await ledger.verify(account)
  expect(verified.problems, `verify(${account}) problems`).toEqual([])
  expect(verified.ok).toBe(true)
  expect(verified.available).toBe(balance.available)
  expect(verified.held).toBe(balance.held)
  expect(balance.available).toBeGreaterThanOrEqual(0)
  expect(balance.held).toBeGreaterThanOrEqual(0)
  expect(await entriesSum(raw, account), 'sum of raw entries == available + held').toBe(
    balance.available + balance.held,
  )
  const grants = await raw.grants(account)
  for (const g of grants) {
    expect(g.remaining, `grant ${g.id} remaining`).toBeGreaterThanOrEqual(0)
    expect(g.remaining, `grant ${g.id} remaining`).toBeLessThanOrEqual(g.amount)
  }
  expect(
    grants.reduce((s, g) => s + g.remaining, 0),
    'sum of raw grant remainders == available',
  ).toBe(balance.available)
  expect(balance.grants.reduce((s, g) => s + g.remaining, 0)).toBe(balance.available)
}

/** Expects `promise` to reject with a MeteredError of `code` (matched by code, never by message). */
export async function expectCode(promise: Promise<unknown>, code: string): Promise<unknown> {
  let error: unknown
  try {
    await promise
  } catch (e) {
    error = e
  }
  expect(error, `expected a rejection with code ${code}`).toBeDefined()
  expect((error as { code?: unknown }).code).toBe(code)
  return error
}

/** Settles every promise, turning a rejection into its error code (or the error itself). */
export async function outcomes<T>(promises: Array<Promise<T>>): Promise<Array<{ value: T } | { code: unknown }>> {
  const settled = await Promise.allSettled(promises)
  return settled.map((s) =>
    s.status === 'fulfilled' ? { value: s.value } : { code: (s.reason as { code?: unknown })?.code ?? s.reason },
  )
}

/** What a call gave: its result, or the code of what it threw. */
export type Outcome = { value: Record<string, unknown> } | { code: unknown }

export async function attempt(call: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { value: (await call()) as Record<string, unknown> }
  } catch (e) {
    return { code: (e as { code?: unknown })?.code ?? String(e) }
  }
}

/**
 * A result in a model's terms, for comparing two ledgers whose ids differ: grant and hold ids
 * go through `mapId`, entry ids are reduced to whether there is one.
 */
export function comparable(outcome: Outcome, mapId: (id: unknown) => unknown): Outcome {
  if (!('value' in outcome)) return outcome
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(outcome.value)) {
    if (k === 'entryId') out[k] = v === null ? null : 'entry'
    else if (k === 'grantId') out[k] = mapId(v)
    else if (k === 'hold') out[k] = { ...(v as object), id: mapId((v as { id: string }).id) }
    else if (k === 'grants') out[k] = (v as Array<{ id: string }>).map((g) => ({ ...g, id: mapId(g.id) }))
    else out[k] = v
  }
  return { value: out }
}

/** Every entry of an account through `history`, newest first. */
export async function allEntries(ledger: Ledger, account: string): Promise<Entry[]> {
  const all: Entry[] = []
  let cursor: string | null = null
  do {
    const page: HistoryPage = await ledger.history(account, { limit: 500, cursor })
    all.push(...page.entries)
    cursor = page.nextCursor
  } while (cursor !== null)
  return all
}
