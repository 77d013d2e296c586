import { randomBytes } from 'node:crypto'
import type { Ledger } from '@metered/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CreditPlan } from '../src/index.js'
import { delivery, event } from './helpers/events.js'
import { FakeStripe } from './helpers/fake-stripe.js'
import { FakeSubscriptions } from './helpers/fake-subscriptions.js'
import { type LedgerUnderTest, memoryLedger } from './helpers/ledgers.js'
import { postgresLedger } from './helpers/postgres-ledger.js'
import { redisLedger } from './helpers/redis-ledger.js'
import { makeAutoTopUpCredits, memoryCustomerStore, UNITS_PER_CREDIT } from './helpers/setup.js'
import { memoryTopUps, postgresTopUps, redisTopUps, type TopUpStoreUnderTest } from './helpers/top-up-stores.js'

/**
 * Refunds and disputes of what was not bought at Checkout: an automatic top-up (an off-session
 * PaymentIntent) and a plan's invoice. Each claws back the refunded share of its own grant, as a
 * pack's refund does. The real SDK against the loopback fake, deliveries signed, on each ledger
 * beside the top-up store it would be deployed with.
 */
const fake = new FakeStripe()
const subs = new FakeSubscriptions(fake)
beforeAll(() => fake.start())
afterAll(() => fake.stop())

const PLANS: CreditPlan[] = [
  { id: 'basic', credits: 10_000, price: 'price_test_plan_basic', unitAmount: 900, currency: 'usd' },
]
/** basic: 10,000 credits for $9.00 a month. */
const BASIC = 10_000 * UNITS_PER_CREDIT
/** pack-5: 5,050 credits for $5.00, the top-up's pack. */
const TOP_UP = 5_050 * UNITS_PER_CREDIT
/** pack-1: 1,000 credits for $1.00, the first purchase that saves the card. */
const FIRST = 1_000 * UNITS_PER_CREDIT

const matrix: [LedgerUnderTest, TopUpStoreUnderTest][] = [
  [memoryLedger, memoryTopUps],
  [postgresLedger(), postgresTopUps()],
  [redisLedger(), redisTopUps()],
]
afterAll(() => Promise.all(matrix.flat().map((x) => x.close?.())))

describe.each(matrix)('refunds of top-ups and plans over the $name ledger', (ledgers, stores) => {
  let ledger: Ledger
  let account: string

  const setup = async () => {
    ledger = await ledgers.fresh()
    account = `acct-${randomBytes(6).toString('hex')}`
    return makeAutoTopUpCredits(
      fake,
      ledger,
      { store: await stores.fresh() },
      { customers: memoryCustomerStore(), plans: PLANS },
    )
  }
  type Made = Awaited<ReturnType<typeof setup>>

  const available = async () => (await ledger.balance(account)).available
  const send = async (credits: Made['credits'], type: string, object: object) => {
    const res = await credits.webhook(delivery(event(type, object as Record<string, unknown>)))
    expect(res.status).toBe(200)
    return (await res.json()) as { outcome: string; revoked?: number; pending?: number }
  }
  const revokes = async () => (await ledger.history(account, { types: ['revoke'] })).entries

  /** The first purchase saves the card; spending it all crosses the threshold and charges pack-5. */
  const chargeTopUp = async ({ credits, top }: Made) => {
    const { sessionId } = await credits.checkout({ account, packId: 'pack-1' })
    expect((await send(credits, 'checkout.session.completed', fake.completeSession(sessionId))).outcome).toBe('granted')
    await top.configure(account, { enabled: true, threshold: 100, packId: 'pack-5' })
    await ledger.debit({ account, amount: FIRST, reason: 'chat' })
    const check = await top.check(account)
    if (check.outcome !== 'charged') throw new Error(`top-up not charged: ${check.outcome}`)
    const intent = fake.paymentIntents.get(check.paymentIntentId) as Record<string, unknown>
    const charge = fake.chargeOf(check.paymentIntentId) as Record<string, unknown>
    return { intent, chargeId: charge.id as string }
  }
  const grantTopUp = async (made: Made) => {
    const charged = await chargeTopUp(made)
    expect((await send(made.credits, 'payment_intent.succeeded', charged.intent)).outcome).toBe('granted')
    expect(await available()).toBe(TOP_UP)
    return charged
  }
  const grantPlan = async ({ credits }: Made) => {
    const { sessionId } = await credits.subscribe({ account, planId: 'basic' })
    const { invoice } = subs.complete(sessionId)
    expect((await send(credits, 'invoice.paid', invoice)).outcome).toBe('granted')
    expect(await available()).toBe(BASIC)
    return { invoice, chargeId: subs.chargeOf(invoice.id as string).id as string }
  }

  describe('an automatic top-up', () => {
    it('a full refund claws back the whole top-up, once under 10 concurrent redeliveries', async () => {
      const made = await setup()
      const { chargeId } = await grantTopUp(made)
      const grants = (await ledger.history(account, { types: ['grant'] })).entries
      const topUpGrant = grants.find((g) => g.reason === 'auto_top_up')
      const refunded = event('charge.refunded', fake.refund(chargeId))

      const answers = await Promise.all(
        Array.from({ length: 10 }, async () => (await made.credits.webhook(delivery(refunded))).json()),
      )
      expect(answers).toContainEqual({ received: true, outcome: 'revoked', revoked: TOP_UP, pending: 0 })
      expect(answers.every((a) => (a as { outcome: string }).outcome === 'revoked')).toBe(true)
      expect(await available()).toBe(0)
      const [revoke, ...more] = await revokes()
      expect(more).toEqual([])
      expect(revoke).toMatchObject({ amount: -TOP_UP, reason: 'refund' })
      expect(revoke?.metadata).toMatchObject({ stripeChargeId: chargeId })
      // The pack bought at Checkout is a separate grant: spent before, untouched by the refund.
      expect((await ledger.history(account, { types: ['grant'] })).entries).toHaveLength(2)
      expect(made.hooks.events).toEqual([])
      expect(revoke?.grantId).toBe(topUpGrant?.grantId)
      expect((await ledger.verify(account)).ok).toBe(true)
    })

    it('partial refunds claw back proportionally, each refund once, adding up to the whole top-up', async () => {
      const made = await setup()
      const { chargeId } = await grantTopUp(made)

      const first = event('charge.refunded', fake.refund(chargeId, 100)) // 20% of $5.00
      expect(await (await made.credits.webhook(delivery(first))).json()).toMatchObject({
        outcome: 'revoked',
        revoked: 1_010_000,
      })
      expect(await available()).toBe(TOP_UP - 1_010_000)
      const second = event('charge.refunded', fake.refund(chargeId, 150)) // 30% more
      await made.credits.webhook(delivery(second))
      await made.credits.webhook(delivery(first)) // late redelivery
      expect(await available()).toBe(TOP_UP / 2)

      await send(made.credits, 'charge.refunded', fake.refund(chargeId)) // the rest
      expect(await available()).toBe(0)
      expect(await revokes()).toHaveLength(3)
      expect((await ledger.verify(account)).ok).toBe(true)
    })

    it('a refund delivered before payment_intent.succeeded grants then claws back; the late success replays', async () => {
      const made = await setup()
      const { chargeId, intent } = await chargeTopUp(made)
      expect(await available()).toBe(0)

      expect(await send(made.credits, 'charge.refunded', fake.refund(chargeId))).toEqual({
        received: true,
        outcome: 'revoked',
        revoked: TOP_UP,
        pending: 0,
      })
      expect(await send(made.credits, 'payment_intent.succeeded', intent)).toMatchObject({ outcome: 'already_granted' })
      expect(await available()).toBe(0)
      const grants = (await ledger.history(account, { types: ['grant'] })).entries
      expect(grants.filter((g) => g.reason === 'auto_top_up')).toHaveLength(1)
      // The crossing closed with that grant: the next crossing may charge again.
      expect(await made.top.settings(account)).toMatchObject({ enabled: true, paused: null })
      expect((await ledger.verify(account)).ok).toBe(true)
    })

    it('a refund while the top-up is held is taken when the hold closes', async () => {
      const made = await setup()
      const { chargeId } = await grantTopUp(made)
      const hold = await ledger.reserve({ account, amount: TOP_UP, reason: 'generate', ttl: '1 m' })
      if (!hold.ok) throw new Error('reserve refused')

      expect(await send(made.credits, 'charge.refunded', fake.refund(chargeId))).toMatchObject({
        outcome: 'revoked',
        revoked: 0,
        pending: TOP_UP,
      })
      expect(made.hooks.events).toEqual([
        expect.objectContaining({
          type: 'clawback_pending',
          account,
          reason: 'refund',
          source: 'auto_top_up',
          paymentIntentId: fake.charges.get(chargeId)?.payment_intent,
          pending: TOP_UP,
        }),
      ])
      expect(await ledger.release({ holdId: hold.hold.id })).toMatchObject({ ok: true, forfeited: TOP_UP })
      expect(await ledger.balance(account)).toMatchObject({ available: 0, held: 0 })
      expect((await ledger.verify(account)).ok).toBe(true)
    })

    it('a dispute claws back what is left of the top-up, once', async () => {
      const made = await setup()
      const { chargeId } = await grantTopUp(made)
      await ledger.debit({ account, amount: 1_000_000, reason: 'chat' })
      const disputed = fake.dispute(chargeId)
      expect(await send(made.credits, 'charge.dispute.created', disputed)).toMatchObject({
        outcome: 'revoked',
        revoked: TOP_UP - 1_000_000,
      })
      await send(made.credits, 'charge.dispute.created', disputed)
      expect(await available()).toBe(0)
      expect(await revokes()).toHaveLength(1)
    })

    it('a failed refund gives the clawed-back credits back, once', async () => {
      const made = await setup()
      const { chargeId } = await grantTopUp(made)
      await send(made.credits, 'charge.refunded', fake.refund(chargeId, 250))
      expect(await available()).toBe(TOP_UP / 2)
      const refundId = fake.refunds.at(-1)?.id as string
      const failed = fake.failRefund(refundId)
      expect(await send(made.credits, 'charge.refund.updated', failed)).toEqual({
        received: true,
        outcome: 'restored',
        restored: TOP_UP / 2,
      })
      await send(made.credits, 'charge.refund.updated', failed)
      expect(await available()).toBe(TOP_UP)
    })
  })

  describe('a plan invoice', () => {
    it('a full refund claws back the period credits, once under 10 concurrent redeliveries', async () => {
      const made = await setup()
      const { chargeId, invoice } = await grantPlan(made)
      const refunded = event('charge.refunded', fake.refund(chargeId))

      const answers = await Promise.all(
        Array.from({ length: 10 }, async () => (await made.credits.webhook(delivery(refunded))).json()),
      )
      expect(answers).toContainEqual({ received: true, outcome: 'revoked', revoked: BASIC, pending: 0 })
      expect(await available()).toBe(0)
      const [revoke, ...more] = await revokes()
      expect(more).toEqual([])
      expect(revoke).toMatchObject({ amount: -BASIC, reason: 'refund' })
      expect(made.hooks.events).toEqual([])
      expect(revoke?.metadata).toMatchObject({ stripeChargeId: chargeId })
      expect((await ledger.history(account, { types: ['grant'] })).entries[0]?.metadata).toMatchObject({
        stripeInvoiceId: invoice.id,
      })
      expect((await ledger.verify(account)).ok).toBe(true)
    })

    it('a partial refund claws back its share; a purchased pack is never touched', async () => {
      const made = await setup()
      const { sessionId } = await made.credits.checkout({ account, packId: 'pack-1' })
      await send(made.credits, 'checkout.session.completed', fake.completeSession(sessionId))
      expect(await available()).toBe(FIRST)
      const { sessionId: planSession } = await made.credits.subscribe({ account, planId: 'basic' })
      const { invoice } = subs.complete(planSession)
      expect((await send(made.credits, 'invoice.paid', invoice)).outcome).toBe('granted')
      const chargeId = subs.chargeOf(invoice.id as string).id as string

      // $2.25 of $9.00 refunded: a quarter of the period's credits.
      expect(await send(made.credits, 'charge.refunded', fake.refund(chargeId, 225))).toMatchObject({
        outcome: 'revoked',
        revoked: BASIC / 4,
      })
      expect(await available()).toBe(FIRST + BASIC - BASIC / 4)
      const plan = (await ledger.balance(account)).grants.find((g) => g.source === 'plan')
      const pack = (await ledger.balance(account)).grants.find((g) => g.source === 'purchase')
      expect(plan?.remaining).toBe(BASIC - BASIC / 4)
      expect(pack?.remaining).toBe(FIRST)
      expect((await ledger.verify(account)).ok).toBe(true)
    })

    it('a refund delivered before invoice.paid grants then claws back; the late invoice.paid replays', async () => {
      const made = await setup()
      const { sessionId } = await made.credits.subscribe({ account, planId: 'basic' })
      const { invoice } = subs.complete(sessionId)
      const chargeId = subs.chargeOf(invoice.id as string).id as string

      expect(await send(made.credits, 'charge.refunded', fake.refund(chargeId, 300))).toEqual({
        received: true,
        outcome: 'revoked',
        // floor(10,000,000 x 300 / 900): rounding favours the buyer by under one unit.
        revoked: 3_333_333,
        pending: 0,
      })
      expect(await send(made.credits, 'invoice.paid', invoice)).toMatchObject({ outcome: 'already_granted' })
      expect(await available()).toBe(BASIC - 3_333_333)
      expect((await ledger.history(account, { types: ['grant'] })).entries).toHaveLength(1)
      expect((await ledger.verify(account)).ok).toBe(true)
    })

    it('a refund while the plan credits are held is taken when the hold closes', async () => {
      const made = await setup()
      const { chargeId, invoice } = await grantPlan(made)
      const hold = await ledger.reserve({ account, amount: BASIC, reason: 'generate', ttl: '1 m' })
      if (!hold.ok) throw new Error('reserve refused')
      expect(await send(made.credits, 'charge.refunded', fake.refund(chargeId))).toMatchObject({
        outcome: 'revoked',
        revoked: 0,
        pending: BASIC,
      })
      expect(made.hooks.events).toEqual([
        expect.objectContaining({ type: 'clawback_pending', source: 'plan', invoiceId: invoice.id, pending: BASIC }),
      ])
      await ledger.release({ holdId: hold.hold.id })
      expect(await ledger.balance(account)).toMatchObject({ available: 0, held: 0 })
    })

    it('a failed refund gives the period credits back as plan credits: same expiry, spent before packs', async () => {
      const made = await setup()
      const { chargeId } = await grantPlan(made)
      await send(made.credits, 'charge.refunded', fake.refund(chargeId, 450))
      expect(await available()).toBe(BASIC / 2)
      const failed = fake.failRefund(fake.refunds.at(-1)?.id as string)
      expect(await send(made.credits, 'charge.refund.updated', failed)).toMatchObject({
        outcome: 'restored',
        restored: BASIC / 2,
      })
      const grants = (await ledger.balance(account)).grants
      const plan = grants.find((g) => g.source === 'plan')
      const restored = grants.find((g) => g.source === 'refund_failed')
      expect(restored).toMatchObject({ amount: BASIC / 2, priority: plan?.priority, expiresAt: plan?.expiresAt })
      expect(await available()).toBe(BASIC)
    })

    it('a dispute claws back what is left of the period credits', async () => {
      const made = await setup()
      const { chargeId } = await grantPlan(made)
      expect(await send(made.credits, 'charge.dispute.created', fake.dispute(chargeId))).toMatchObject({
        outcome: 'revoked',
        revoked: BASIC,
      })
      expect(await available()).toBe(0)
    })
  })
})
