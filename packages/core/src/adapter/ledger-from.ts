import { attachDriver } from '../driver-of.js'
import type { LedgerDriver } from '../ledger/ledger-driver.js'
import {
  fingerprint,
  normalizeAccount,
  normalizeDebit,
  normalizeGrant,
  normalizeHistory,
  normalizeRelease,
  normalizeReserve,
  normalizeRevoke,
  normalizeSettle,
} from '../ledger/normalize.js'
import type { Ledger } from '../ledger/types.js'

/**
 * The public `Ledger` over a driver: each call is validated once with the schemas (a
 * `ValidationError` before the driver is called), given its defaults and, when keyed, its
 * fingerprint. Every store built this way refuses the same input the same way.
 */
export function ledgerFrom(driver: LedgerDriver): Ledger {
  const ledger: Ledger = {
    async grant(input) {
      const n = normalizeGrant(input)
      return driver.grant(n, fingerprint('grant', n))
    },
    async debit(input) {
      const n = normalizeDebit(input)
      return driver.debit(n, n.idempotencyKey === null ? null : fingerprint('debit', n))
    },
    async reserve(input) {
      const n = normalizeReserve(input)
      return driver.reserve(n, n.idempotencyKey === null ? null : fingerprint('reserve', n))
    },
    async settle(input) {
      return driver.settle(normalizeSettle(input))
    },
    async release(input) {
      return driver.release(normalizeRelease(input))
    },
    async revoke(input) {
      const n = normalizeRevoke(input)
      return driver.revoke(n, n.idempotencyKey === null ? null : fingerprint('revoke', n))
    },
    async balance(account) {
      return driver.balance(normalizeAccount(account))
    },
    async history(account, options) {
      return driver.history(normalizeAccount(account), normalizeHistory(options))
    },
    async verify(account) {
      return driver.verify(normalizeAccount(account))
    },
  }
  return attachDriver(ledger, driver)
}
