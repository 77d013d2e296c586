import { createMemoryLedger, type Ledger, StoreUnavailableError } from '@metered/core'

/** A ledger to run the webhook tests over; `fresh` gives an empty one (or a fresh account space). */
export interface LedgerUnderTest {
  name: string
  fresh(): Promise<Ledger>
  close?(): Promise<void>
}

export const memoryLedger: LedgerUnderTest = { name: 'memory', fresh: async () => createMemoryLedger() }

/**
 * Wraps a ledger so that its writes fail while `down` is set, the way a store outage surfaces
 * (`StoreUnavailableError` thrown before anything is written).
 */
export function flakyLedger(inner: Ledger): Ledger & { down: boolean } {
  const flaky: Ledger & { down: boolean } = {
    down: false,
    grant: (input) => (flaky.down ? fail() : inner.grant(input)),
    revoke: (input) => (flaky.down ? fail() : inner.revoke(input)),
    debit: (input) => inner.debit(input),
    reserve: (input) => inner.reserve(input),
    settle: (input) => inner.settle(input),
    release: (input) => inner.release(input),
    balance: (account) => inner.balance(account),
    history: (account, options) => inner.history(account, options),
    verify: (account) => inner.verify(account),
  }
  return flaky
}

function fail(): never {
  throw new StoreUnavailableError('injected outage')
}
