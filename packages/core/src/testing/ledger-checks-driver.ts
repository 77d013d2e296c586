import { expect } from 'vitest'
import { ledgerFrom } from '../adapter/ledger-from.js'
import { driverOf } from '../driver-of.js'
import type { LedgerDriver } from '../ledger/ledger-driver.js'
import type { Ledger } from '../ledger/types.js'
import { type Attempt, expectAllRefused } from './expect-refused.js'
import { badAmounts, badIds, badMetadata } from './hostile-inputs.js'
import { grant, type LedgerCheck, uid } from './ledger-check-kit.js'
import { validationProbe } from './validation-probe.js'

/** `inner` with every call recorded by method name before it runs. */
function recording(inner: LedgerDriver): { driver: LedgerDriver; calls: string[] } {
  const calls: string[] = []
  const driver = Object.fromEntries(
    Object.keys(inner).map((method) => [
      method,
      (...args: unknown[]) => {
        calls.push(method)
        return (inner as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!(...args)
      },
    ]),
  ) as unknown as LedgerDriver
  return { driver, calls }
}

/**
 * The adapter's driver, behind `ledgerFrom`, is never called with input the schemas refuse:
 * every hostile value is a ValidationError and the driver recorded no call at all. A valid call
 * then reaches it exactly once. Needs a ledger built with `ledgerFrom` (the adapter kit).
 */
export const driverSeesValidInputOnly: LedgerCheck = async ({ harness }) => {
  const inner = driverOf<LedgerDriver>(harness.ledger)
  expect(inner, 'the ledger is built with ledgerFrom (@metered/core/adapter)').toBeDefined()
  const { driver, calls } = recording(inner!)
  const ledger: Ledger = ledgerFrom(driver)
  const account = uid('driver')
  const base = uid('bad')
  const L = ledger as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>
  const attempts: Attempt[] = []
  const good = { account, amount: 1, reason: 'r' }
  for (const h of badIds(base)) {
    attempts.push([
      `grant account = ${h.name}`,
      () => L.grant!({ account: h.value, amount: 1, source: 's', idempotencyKey: base }),
    ])
    attempts.push([`debit account = ${h.name}`, () => L.debit!({ ...good, account: h.value })])
    attempts.push([`debit reason = ${h.name}`, () => L.debit!({ ...good, reason: h.value })])
    attempts.push([`reserve key = ${h.name}`, () => L.reserve!({ ...good, ttl: 1000, idempotencyKey: h.value })])
    attempts.push([`settle holdId = ${h.name}`, () => L.settle!({ holdId: h.value, amount: 1 })])
    attempts.push([`release holdId = ${h.name}`, () => L.release!({ holdId: h.value })])
    attempts.push([`revoke grantId = ${h.name}`, () => L.revoke!({ grantId: h.value, reason: 'r' })])
    attempts.push([`balance(${h.name})`, () => L.balance!(h.value)])
    attempts.push([`history(${h.name})`, () => L.history!(h.value)])
    attempts.push([`verify(${h.name})`, () => L.verify!(h.value)])
  }
  for (const h of badAmounts) {
    attempts.push([`debit amount = ${h.name}`, () => L.debit!({ ...good, amount: h.value })])
    attempts.push([`reserve amount = ${h.name}`, () => L.reserve!({ ...good, ttl: 1000, amount: h.value })])
  }
  for (const h of badMetadata()) {
    attempts.push([`debit metadata = ${h.name}`, () => L.debit!({ ...good, metadata: h.value })])
    attempts.push([`settle metadata = ${h.name}`, () => L.settle!({ holdId: base, amount: 1, metadata: h.value })])
  }
  attempts.push(['history limit = 0', () => L.history!(account, { limit: 0 })])
  attempts.push([
    'revoke by both grantId and key',
    () => L.revoke!({ grantId: 'g', grantIdempotencyKey: 'k', reason: 'r' }),
  ])
  await expectAllRefused(attempts)
  expect(calls, 'the driver was called with refused input').toEqual([])

  await grant(ledger, account, 10)
  const debited = await ledger.debit({ ...good, idempotencyKey: uid('debit') })
  expect(debited.ok).toBe(true)
  expect(calls).toEqual(['grant', 'debit'])
}

/**
 * Each call is validated once: the metadata rule reads the probe once per validation, so one
 * read per call means no layer between the port and the store validates the input again.
 */
export const validatesOncePerCall: LedgerCheck = async ({ harness }) => {
  const { ledger } = harness
  const account = uid('once')
  const once = async (what: string, call: (metadata: Record<string, unknown>) => Promise<unknown>) => {
    const probe = validationProbe()
    await call(probe.metadata)
    expect(probe.validations(), `${what}: validations of one call`).toBe(1)
  }
  await once('grant', (metadata) =>
    ledger.grant({ account, amount: 100, source: 's', idempotencyKey: uid('g'), metadata }),
  )
  await once('debit', (metadata) => ledger.debit({ account, amount: 1, reason: 'r', metadata }))
  let holdId = ''
  await once('reserve', async (metadata) => {
    const r = await ledger.reserve({ account, amount: 5, ttl: 60_000, idempotencyKey: uid('r'), metadata })
    if (r.ok) holdId = r.hold.id
  })
  await once('settle', (metadata) => ledger.settle({ holdId, amount: 2, metadata }))
}
