import { describe, expect, it } from 'vitest'
import { createManualClock } from '../src/clock.js'
import { createMemoryLedger } from '../src/memory/memory-ledger.js'
import { type LedgerCheckContext, type LedgerCheckName, ledgerChecks } from '../src/testing/ledger-suite.js'
import type { LedgerHarness } from '../src/testing/types.js'
import { pipeFingerprints, validatesAfterEncoding } from './broken-input-ledgers.js'

// The input-rule checks are only worth something if they fail for a ledger that breaks a rule:
// the aimed check rejects with an assertion, and an unrelated check still passes on the same
// broken ledger (so the failure is the bug, not the set-up).

function context(make: (inner: ReturnType<typeof createMemoryLedger>) => LedgerHarness): LedgerCheckContext {
  const clock = createManualClock()
  return { harness: make(createMemoryLedger({ clock })), clock, concurrency: 50, numRuns: 10 }
}

async function expectAssertionFailure(run: Promise<void>): Promise<void> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error, 'the check passed on a broken ledger').toBeInstanceOf(Error)
  expect((error as Error).name).toBe('AssertionError')
}

const run = (name: LedgerCheckName, ctx: LedgerCheckContext) => ledgerChecks[name](ctx)

describe('the ledger suite catches broken input handling', () => {
  it('lone surrogates encoded before validation: two accounts share a balance', async () => {
    await run('grant, debit and balance', context(validatesAfterEncoding))
    await expectAssertionFailure(
      run(
        'lone surrogates and NUL never reach the store: no two accounts share a balance',
        context(validatesAfterEncoding),
      ),
    )
    await expectAssertionFailure(
      run('hostile input through every operation: ValidationError, store unchanged', context(validatesAfterEncoding)),
    )
  })

  it('pipe-joined key scopes: a debit in another account replays the first account’s result', async () => {
    await run('grant, debit and balance', context(pipeFingerprints))
    await expectAssertionFailure(
      run('idempotency fingerprints never collide across separators', context(pipeFingerprints)),
    )
  })
})
