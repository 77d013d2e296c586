import { randomBytes } from 'node:crypto'
import type { Ledger } from '@metered/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { delivery, event } from './helpers/events.js'
import { FakeStripe } from './helpers/fake-stripe.js'
import { type LedgerUnderTest, memoryLedger } from './helpers/ledgers.js'
import { postgresLedger } from './helpers/postgres-ledger.js'
import { makeCredits } from './helpers/setup.js'

/**
 * A refund that fails after it was clawed back (`charge.refund.updated`, status `failed`): the
 * money stays with the merchant, so the credits it took come back, once however often the event
 * is delivered. The real Stripe SDK against the loopback fake, signed deliveries.
 */
const fake = new FakeStripe()
beforeAll(() => fake.start())
afterAll(() => fake.stop())

const ledgers: LedgerUnderTest[] = [memoryLedger, postgresLedger()]
afterAll(() => Promise.all(ledgers.map((l) => l.close?.())))

describe.each(ledgers)('a failed refund over the $name ledger', (under) => {
  let ledger: Ledger
  let account: string

  const bought = async () => {
    ledger = await under.fresh()
    account = `acct-${randomBytes(6).toString('hex')}`
    const made = makeCredits(fake, ledger)
    const { sessionId } = await made.credits.checkout({ account, packId: 'pack-1' }) // 1,000,000 units for $1
    const session = fake.completeSession(sessionId)
    await made.credits.webhook(delivery(event('checkout.session.completed', session)))
    const chargeId = fake.chargeOf(session.payment_intent as string)?.id as string
    return { ...made, chargeId }
  }
  const send = async (credits: ReturnType<typeof makeCredits>['credits'], type: string, object: object) => {
    const res = await credits.webhook(delivery(event(type, object as Record<string, unknown>)))
    expect(res.status).toBe(200)
    return res.json()
  }
  const available = async () => (await ledger.balance(account)).available

  it('gives back what the refund clawed back, once', async () => {
    const { credits, chargeId } = await bought()
    await send(credits, 'charge.refunded', fake.refund(chargeId, 40)) // 40%: 400,000 units
    expect(await available()).toBe(600_000)
    const refundId = fake.refunds.at(-1)?.id as string

    const failed = fake.failRefund(refundId)
    expect(await send(credits, 'charge.refund.updated', failed)).toEqual({
      received: true,
      outcome: 'restored',
      restored: 400_000,
    })
    expect(await available()).toBe(1_000_000)
    // Redelivered: nothing more.
    expect(await send(credits, 'charge.refund.updated', failed)).toMatchObject({ outcome: 'restored' })
    expect(await available()).toBe(1_000_000)
    const [back] = (await ledger.history(account, { types: ['grant'] })).entries
    expect(back).toMatchObject({ amount: 400_000, metadata: expect.objectContaining({ stripeRefundId: refundId }) })
    expect((await ledger.verify(account)).ok).toBe(true)
  })

  it('gives back only what was really taken: credits already spent when the refund landed stay spent', async () => {
    const { credits, chargeId } = await bought()
    await ledger.debit({ account, amount: 900_000, reason: 'generate' })
    await send(credits, 'charge.refunded', fake.refund(chargeId, 50)) // 500,000 owed, 100,000 left to take
    expect(await available()).toBe(0)
    const failed = fake.failRefund(fake.refunds.at(-1)?.id as string)
    expect(await send(credits, 'charge.refund.updated', failed)).toMatchObject({ restored: 100_000 })
    expect(await available()).toBe(100_000)
  })

  it('ignores refund updates that are not failures, and failures of refunds it never clawed back', async () => {
    const { credits, chargeId } = await bought()
    fake.refund(chargeId, 10)
    const pending = { ...(fake.refunds.at(-1) ?? {}), status: 'pending' }
    expect(await send(credits, 'charge.refund.updated', pending)).toEqual({ received: true, outcome: 'ignored' })
    // Failed before its charge.refunded was ever handled: nothing was taken, nothing to give back.
    const failed = fake.failRefund(fake.refunds.at(-1)?.id as string)
    expect(await send(credits, 'charge.refund.updated', failed)).toEqual({
      received: true,
      outcome: 'restored',
      restored: 0,
    })
    expect(await available()).toBe(1_000_000)
  })
})
