import { afterAll, beforeAll, describe, it } from 'vitest'
import { createManualClock } from '../clock.js'
import { chaos } from './ledger-chaos.js'
import type { LedgerCheck, LedgerCheckContext } from './ledger-check-kit.js'
import { matchesModel } from './ledger-check-property.js'
import { basics, grantExpiry, refusals, revoke, spendingOrder } from './ledger-checks-basic.js'
import { balanceBound, exactAtTheBound } from './ledger-checks-bound.js'
import {
  disputeWhileHeld,
  refundAcrossHolds,
  refundThenHoldExpires,
  refundThenSettleBelow,
  refundWhileHeld,
  spentStaysSpent,
} from './ledger-checks-clawback.js'
import {
  concurrentDebits,
  concurrentHolds,
  concurrentHousekeeping,
  concurrentMixedDebits,
  concurrentReplays,
} from './ledger-checks-concurrency.js'
import { driverSeesValidInputOnly, validatesOncePerCall } from './ledger-checks-driver.js'
import { forfeits, holdExpiry, holdLifecycle, settleAmounts } from './ledger-checks-holds.js'
import {
  edgeValues,
  fingerprintsDoNotCollide,
  hostileInput,
  surrogateAccountsDoNotMerge,
} from './ledger-checks-hostile.js'
import { idempotencyConflicts } from './ledger-checks-idempotency.js'
import { history, invalidInput } from './ledger-checks-input.js'
import { keysPerAccount, revokeWrongAccount } from './ledger-checks-key-scope.js'
import { closedHoldKeepsKey, concurrentReserveAfterRelease, releaseFreesKey } from './ledger-checks-release-key.js'
import { revokeKeyFirst } from './ledger-checks-revoke-key.js'
import type { HarnessFactory, LedgerHarness, SuiteOptions } from './types.js'

export type { LedgerCheck, LedgerCheckContext } from './ledger-check-kit.js'
export { type LedgerOp, ledgerOps, runAgainstModel } from './ledger-check-property.js'

/**
 * Every check of the ledger contract (docs/semantics.md), by name. `ledgerSuite` registers each
 * as a test; they are exported so a check can also be run directly, e.g. to prove that it fails
 * for a deliberately broken adapter.
 */
export const ledgerChecks = {
  'grant, debit and balance': basics,
  'refusals write nothing and are not stored under their key': refusals,
  'concurrent debits: exact admits, zero overdraft': concurrentDebits,
  'concurrent debits of mixed sizes across grants': concurrentMixedDebits,
  'concurrent reserves, settles and releases': concurrentHolds,
  'concurrent idempotent replays: one effect': concurrentReplays,
  'concurrent housekeeping and closing races': concurrentHousekeeping,
  'idempotency conflicts: other parameters throw, nothing written': idempotencyConflicts,
  'idempotency keys are scoped per account: two accounts may use one key': keysPerAccount,
  'revoke naming another account finds nothing and changes nothing': revokeWrongAccount,
  'spending order: priority, soonest expiry, oldest': spendingOrder,
  'grant expiry': grantExpiry,
  'hold expiry and settle after expiry': holdExpiry,
  'settle below, equal to and above the hold': settleAmounts,
  'settle and release: replays, conflicts, closed and unknown holds': holdLifecycle,
  'forfeit of held units whose grant ended': forfeits,
  'revoke: full, partial, by key, idempotent, not found': revoke,
  'history: keyset pages, newest first, type filter': history,
  'invalid input: ValidationError, nothing written': invalidInput,
  'hostile input through every operation: ValidationError, store unchanged': hostileInput,
  'lone surrogates and NUL never reach the store: no two accounts share a balance': surrogateAccountsDoNotMerge,
  'edge ids and metadata: accepted, kept as given, never confused': edgeValues,
  'idempotency fingerprints never collide across separators': fingerprintsDoNotCollide,
  'the driver behind ledgerFrom never sees refused input': driverSeesValidInputOnly,
  'each call is validated once': validatesOncePerCall,
  'property: random sequences match the memory model': matchesModel,
  'refund of held units: 100% refunded while all held, then released, leaves 0': refundWhileHeld,
  'refund of held units: 30% refunded while held, then settled below the hold': refundThenSettleBelow,
  'refund of held units: the hold expires instead of being released': refundThenHoldExpires,
  'refund of held units: two holds, successive refunds, a hold across grants': refundAcrossHolds,
  'refund of held units: a dispute (full revoke) while held': disputeWhileHeld,
  'refund of held units: units spent by settle stay spent': spentStaysSpent,
  'balance bound: up to MAX_BALANCE, one more unit refused, nothing written': balanceBound,
  'balance bound: debits, holds and settles near 2^53 are exact': exactAtTheBound,
  'revoke: its key is looked up first, even for an unknown grant': revokeKeyFirst,
  'a released hold frees its idempotency key: the same key places a new hold': releaseFreesKey,
  'a settled or expired hold keeps its idempotency key: a retry replays it': closedHoldKeepsKey,
  "concurrent reserves with a released hold's key: exactly one new hold": concurrentReserveAfterRelease,
  'chaos: random sequential and concurrent phases against an independent model': chaos,
} satisfies Record<string, LedgerCheck>

/** The name of one ledger check, as shown in the test report. */
export type LedgerCheckName = keyof typeof ledgerChecks

/**
 * Registers the ledger conformance tests for an adapter. `factory` runs once (in `beforeAll`)
 * with a manual clock the adapter must use for every time decision; tests isolate themselves
 * with fresh accounts and keys, so the store may be shared and need not be empty.
 *
 * ```ts
 * ledgerSuite('postgres', async ({ clock }) => {
 *   const stores = createPostgresStores(db, { clock, schema: 'test_1' })
 *   return { ledger: stores.ledger, raw: rawReaders(db), close: () => db.destroy() }
 * }, { concurrency: 200, numRuns: 30, chaosOps: 1500 })
 * ```
 */
export function ledgerSuite(name: string, factory: HarnessFactory<LedgerHarness>, options: SuiteOptions = {}): void {
  describe(`ledger conformance: ${name}`, () => {
    const clock = createManualClock()
    let ctx: LedgerCheckContext | undefined
    beforeAll(async () => {
      const harness = await factory({ clock })
      ctx = { harness, clock, concurrency: options.concurrency ?? 200, numRuns: options.numRuns ?? 30 }
      if (options.chaosOps !== undefined) ctx.chaosOps = options.chaosOps
      if (options.chaosMs !== undefined) ctx.chaosMs = options.chaosMs
      if (options.chaosSeed !== undefined) ctx.chaosSeed = options.chaosSeed
    })
    afterAll(async () => {
      await ctx?.harness.close?.()
    })
    for (const [title, check] of Object.entries(ledgerChecks)) {
      it(title, async () => {
        if (!ctx) throw new Error('the ledger harness factory did not finish')
        await check(ctx)
      }, 120_000) // against a real store the property and concurrency checks take seconds, not ms
    }
  })
}
