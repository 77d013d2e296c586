import type { ManualClock } from '../clock.js'
import type { Ledger, LedgerRawReaders } from '../ledger/types.js'
import type { LimiterStore } from '../limiter/types.js'
import type { Authorizer } from '../metering/authorizer-types.js'
import type { UsageStore } from '../usage/types.js'
import type { UserStore } from '../users/types.js'

// The memory ledger exposes these readers too, so the type lives with the ledger's types.
export type { LedgerRawReaders } from '../ledger/types.js'

/**
 * What a conformance suite gets from the adapter under test. The factory runs once per suite
 * (in `beforeAll`); tests isolate themselves with unique account ids and keys, so adapters may
 * share one database or Redis between tests and suites.
 */
export interface SuiteContext {
  /** The clock the adapter must use for every time decision. Tests move it; it starts at 2026-01-01. */
  clock: ManualClock
}

export interface LedgerHarness {
  ledger: Ledger
  raw: LedgerRawReaders
  /** Called in `afterAll`. */
  close?(): Promise<void>
}

export interface LimiterStoreHarness {
  store: LimiterStore
  close?(): Promise<void>
}

export interface AuthorizerHarness {
  ledger: Ledger
  limiterStore: LimiterStore
  /** Must share state with `ledger` and `limiterStore`. */
  authorizer: Authorizer
  close?(): Promise<void>
}

export interface UsageHarness {
  usage: UsageStore
  close?(): Promise<void>
}

export interface UsersHarness {
  users: UserStore
  close?(): Promise<void>
}

export type HarnessFactory<H> = (ctx: SuiteContext) => Promise<H> | H

export interface SuiteOptions {
  /** Parallel callers in the concurrency tests. @default 200 */
  concurrency?: number
  /** fast-check runs per property. @default 30 */
  numRuns?: number
  /**
   * Store calls the ledger chaos check makes at most; lower it for slow stores. The check also
   * starts no new round after `chaosMs`. @default 1500
   */
  chaosOps?: number
  /** @default 8000 */
  chaosMs?: number
  /** Seed of the chaos check. @default the properties' seed (`FC_SEED`, else fixed), printed on failure */
  chaosSeed?: number
}
