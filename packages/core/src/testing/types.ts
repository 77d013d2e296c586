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

/** What `ledgerSuite`'s factory returns: the ledger under test and raw readers of its store. */
export interface LedgerHarness {
  ledger: Ledger
  raw: LedgerRawReaders
  /** Called in `afterAll`. */
  close?(): Promise<void>
}

/** What `limiterStoreSuite`'s factory returns. */
export interface LimiterStoreHarness {
  store: LimiterStore
  /** Called in `afterAll`. */
  close?(): Promise<void>
}

/** What `authorizerSuite`'s factory returns: a ledger, a limiter store and the authorizer sharing their state. */
export interface AuthorizerHarness {
  ledger: Ledger
  limiterStore: LimiterStore
  /** Must share state with `ledger` and `limiterStore`. */
  authorizer: Authorizer
  /** Called in `afterAll`. */
  close?(): Promise<void>
}

/** What `usageSuite`'s factory returns. */
export interface UsageHarness {
  usage: UsageStore
  /** Called in `afterAll`. */
  close?(): Promise<void>
}

/** What `usersSuite`'s factory returns. */
export interface UsersHarness {
  users: UserStore
  /** Called in `afterAll`. */
  close?(): Promise<void>
}

/** Builds the adapter under test for a suite, once, with the suite's clock. */
export type HarnessFactory<H> = (ctx: SuiteContext) => Promise<H> | H

/** Options of the conformance suites: concurrency, property runs and the chaos check's budget. */
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
