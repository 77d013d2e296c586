import type { DebitInput, DebitResult } from '../src/ledger/types.js'
import type { MemoryLedger } from '../src/memory/memory-ledger.js'
import type { LedgerHarness } from '../src/testing/types.js'
import { harnessOf } from './broken-ledgers.js'

/**
 * Deliberately broken ledgers for the input rules: each accepts what a store must refuse, the
 * way a real driver or an old fingerprint did, so the hostile-input checks can be shown to fail.
 */

/** What the Postgres and Redis drivers do to a string: a lone surrogate becomes U+FFFD. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g
const driverText = (s: unknown): unknown => (typeof s === 'string' ? s.replace(LONE_SURROGATE, '\uFFFD') : s)

/** Every string field of an input object as the driver would send it. */
function encoded<T>(input: T): T {
  if (typeof input !== 'object' || input === null) return input
  return Object.fromEntries(Object.entries(input).map(([k, v]) => [k, driverText(v)])) as T
}

/**
 * Validates after the driver encoded the strings, not before: `'x\uD800'` and `'x\uDC00'`
 * both become `'x\uFFFD'` and share one balance.
 */
export function validatesAfterEncoding(inner: MemoryLedger): LedgerHarness {
  return harnessOf(inner, {
    grant: (i) => inner.grant(encoded(i)),
    debit: (i) => inner.debit(encoded(i)),
    reserve: (i) => inner.reserve(encoded(i)),
    revoke: (i) => inner.revoke(encoded(i)),
    balance: (a) => inner.balance(driverText(a) as string),
  })
}

/**
 * Scopes debit idempotency records by a pipe-joined `account|key`, so `('acct|5', 'k')` and
 * `('acct', '5|k')` name one record and the second debit replays the first account's result.
 */
export function pipeFingerprints(inner: MemoryLedger): LedgerHarness {
  const records = new Map<string, DebitResult>()
  return harnessOf(inner, {
    async debit(i: DebitInput) {
      if (i.idempotencyKey === undefined) return inner.debit(i)
      const scope = `${i.account}|${i.idempotencyKey}`
      const seen = records.get(scope)
      if (seen) return { ...seen, replayed: true } as DebitResult
      const result = await inner.debit(i)
      if (result.ok) records.set(scope, result)
      return result
    },
  })
}
