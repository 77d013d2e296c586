import { randomBytes } from 'node:crypto'
import { type Ledger, NotFoundError, ValidationError } from '@metered/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CreditPlan } from '../src/index.js'
import { delivery, event } from './helpers/events.js'
import { FakeStripe } from './helpers/fake-stripe.js'
import { FakeSubscriptions, legacyInvoice } from './helpers/fake-subscriptions.js'
import { type LedgerUnderTest, memoryLedger } from './helpers/ledgers.js'
import { postgresLedger } from './helpers/postgres-ledger.js'
import { redisLedger } from './helpers/redis-ledger.js'
import { makeCredits, memoryCustomerStore, STARTER_PACKS, UNITS_PER_CREDIT } from './helpers/setup.js'

const fake = new FakeStripe()
const subs = new FakeSubscriptions(fake)
beforeAll(() => fake.start())
afterAll(() => fake.stop())

/** Monthly plans: the credits of one paid period. */
const PLANS: CreditPlan[] = [
  { id: 'basic', credits: 10_000, price: 'price_test_plan_basic', unitAmount: 900, currency: 'usd' },
  { id: 'pro', credits: 50_000, price: 'price_test_plan_pro', unitAmount: 2900, currency: 'usd' },
]
const BASIC = 10_000 * UNITS_PER_CREDIT
const PRO = 50_000 * UNITS_PER_CREDIT
/** pack-1 of the starter packs: 1,000 credits, no expiry. */
const PACK = 1_000 * UNITS_PER_CREDIT
/** A pack that expires before a monthly period ends: plan credits still go first. */
const SOON_PACK = { id: 'pack-soon', credits: 1_000, unitAmount: 100, currency: 'usd', expiresIn: '1 d' as const }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const ledgers: LedgerUnderTest[] = [memoryLedger, postgresLedger(), redisLedger()]
afterAll(() => Promise.all(ledgers.map((l) => l.close?.())))

describe.each(ledgers)('plans over the $name ledger', (under) => {
  let ledger: Ledger
  let account: string
  const setup = async () => {
    ledger = await under.fresh()
    account = `acct-${randomBytes(6).toString('hex')}`
    const customers = memoryCustomerStore()
    const packs = [...STARTER_PACKS, SOON_PACK]
    return { ...makeCredits(fake, ledger, { plans: PLANS, customers, packs }), customers }
  }
  type Credits = Awaited<ReturnType<typeof setup>>['credits']
  const available = async () => (await ledger.balance(account)).available
  const send = async (credits: Credits, type: string, object: object) => {
    const res = await credits.webhook(delivery(event(type, object as Record<string, unknown>)))
    expect(res.status).toBe(200)
    return ((await res.json()) as { outcome: string }).outcome
  }
  /** Subscribes the account to a plan and completes Checkout: the session, subscription and first invoice. */
  const subscribe = async (credits: Credits, planId: string, options: { periodSeconds?: number } = {}) => {
    const { sessionId } = await credits.subscribe({ account, planId })
    return subs.complete(sessionId, options)
  }
  const buyPack = async (credits: Credits, packId = 'pack-1') => {
    const { sessionId } = await credits.checkout({ account, packId })
    expect(await send(credits, 'checkout.session.completed', fake.completeSession(sessionId))).toBe('granted')
  }

  it('subscribe opens a subscription-mode Checkout for the catalog price, the account on the subscription', async () => {
    const { credits } = await setup()
    const before = fake.requestsTo('POST', '/v1/checkout/sessions').length
    const { url, sessionId } = await credits.subscribe({ account, planId: 'pro' })
    expect(url).toContain(sessionId)
    const [request] = fake.requestsTo('POST', '/v1/checkout/sessions').slice(before)
    expect(request?.body).toMatchObject({
      mode: 'subscription',
      line_items: [{ price: 'price_test_plan_pro', quantity: '1' }],
      client_reference_id: account,
      subscription_data: { metadata: { metered_account: account, metered_plan: 'pro' } },
    })
    expect(credits.plans).toEqual([
      expect.objectContaining({ id: 'basic', credits: 10_000, unitAmount: 900, interval: 'month' }),
      expect.objectContaining({ id: 'pro', credits: 50_000, unitAmount: 2900, interval: 'month' }),
    ])
  })

  it('subscribe refuses an unknown plan and a client-chosen price, without calling Stripe', async () => {
    const { credits } = await setup()
    const before = fake.requests.length
    await expect(credits.subscribe({ account, planId: 'enterprise' })).rejects.toBeInstanceOf(ValidationError)
    const sneaky = { account, planId: 'basic', price: 'price_test_plan_pro' } as never
    await expect(credits.subscribe(sneaky)).rejects.toBeInstanceOf(ValidationError)
    expect(fake.requests.length).toBe(before)
  })

  it('invoice.paid grants the period credits (source plan) expiring at the period end; the completion grants nothing', async () => {
    const { credits, customers } = await setup()
    const { session, invoice, subscription } = await subscribe(credits, 'basic')

    expect(await send(credits, 'checkout.session.completed', session)).toBe('subscribed')
    expect(await available()).toBe(0)
    expect(customers.map.get(account)).toBe(subscription.customer)

    expect(await send(credits, 'invoice.paid', invoice)).toBe('granted')
    const balance = await ledger.balance(account)
    expect(balance.available).toBe(BASIC)
    expect(balance.grants).toEqual([
      expect.objectContaining({
        source: 'plan',
        amount: BASIC,
        expiresAt: (subscription.current_period_end as number) * 1000,
      }),
    ])
    const [entry] = (await ledger.history(account)).entries
    expect(entry?.metadata).toMatchObject({
      stripeInvoiceId: invoice.id,
      stripeSubscriptionId: subscription.id,
      planId: 'basic',
      amountPaid: 900,
    })
    expect((await ledger.verify(account)).ok).toBe(true)
  })

  it("the success page's status of a subscription checkout: unpaid, then processing until the first invoice is granted; another account sees not_found", async () => {
    const { credits } = await setup()
    const { sessionId } = await credits.subscribe({ account, planId: 'pro' })
    const plan = { id: 'pro', credits: 50_000, unitAmount: 2900, currency: 'usd', interval: 'month' }
    const status = () => credits.getCheckoutStatus(sessionId, { account })
    expect(await status()).toMatchObject({ status: 'unpaid', sessionId, credits: 50_000, pack: null, plan })

    const { session, invoice } = subs.complete(sessionId)
    expect(await status()).toMatchObject({ status: 'processing', credits: 50_000, plan })
    expect(await send(credits, 'checkout.session.completed', session)).toBe('subscribed')
    expect((await status()).status).toBe('processing')
    expect(await send(credits, 'invoice.paid', invoice)).toBe('granted')
    expect(await status()).toMatchObject({ status: 'granted', sessionId, credits: 50_000, pack: null, plan })

    const other = await credits.getCheckoutStatus(sessionId, { account: `${account}-other` })
    expect(other).toEqual({ status: 'not_found', sessionId, credits: 0, pack: null })
    // Reading the status grants nothing.
    expect(await available()).toBe(PRO)
  })

  it('grants once when invoice.paid arrives before checkout.session.completed, and on redelivery', async () => {
    const { credits } = await setup()
    const { session, invoice } = await subscribe(credits, 'pro')
    expect(await send(credits, 'invoice.paid', invoice)).toBe('granted')
    expect(await send(credits, 'checkout.session.completed', session)).toBe('subscribed')
    expect(await send(credits, 'invoice.paid', invoice)).toBe('already_granted')
    expect(await available()).toBe(PRO)
    expect((await ledger.history(account)).entries).toHaveLength(1)
  })

  it('grants exactly once under 60 concurrent redeliveries of one invoice', async () => {
    const { credits } = await setup()
    const { invoice } = await subscribe(credits, 'basic')
    const paid = event('invoice.paid', invoice)
    const responses = await Promise.all(Array.from({ length: 60 }, () => credits.webhook(delivery(paid))))
    expect(responses.map((r) => r.status)).toEqual(Array(60).fill(200))
    const outcomes = await Promise.all(responses.map(async (r) => ((await r.json()) as { outcome: string }).outcome))
    expect(outcomes.filter((o) => o === 'granted')).toHaveLength(1)
    expect(outcomes.filter((o) => o === 'already_granted')).toHaveLength(59)
    expect(await available()).toBe(BASIC)
    expect((await ledger.history(account)).entries).toHaveLength(1)
    expect((await ledger.verify(account)).ok).toBe(true)
  })

  it('each renewal grants its own period; plan credits are spent before purchased packs', async () => {
    const { credits } = await setup()
    await buyPack(credits)
    await buyPack(credits, 'pack-soon')
    const { invoice, subscription } = await subscribe(credits, 'basic')
    expect(await send(credits, 'invoice.paid', invoice)).toBe('granted')
    const renewal = subs.renew(subscription.id as string)
    expect(await send(credits, 'invoice.paid', renewal)).toBe('granted')
    expect(await available()).toBe(2 * PACK + 2 * BASIC)

    // Plan credits go first (priority 10), even before a pack that expires sooner: the packs stay whole.
    const spent = BASIC + 1_234
    expect((await ledger.debit({ account, amount: spent, reason: 'ai' })).ok).toBe(true)
    const grants = (await ledger.balance(account)).grants
    expect(grants.filter((g) => g.source === 'purchase').map((g) => g.remaining)).toEqual([PACK, PACK])
    expect(grants.filter((g) => g.source === 'plan').map((g) => g.remaining)).toEqual([BASIC - 1_234])
    expect((await ledger.verify(account)).ok).toBe(true)
  })

  it("the period's credits expire at its end and purchased packs stay intact", async () => {
    const { credits } = await setup()
    await buyPack(credits)
    const { invoice } = await subscribe(credits, 'basic', { periodSeconds: 1 })
    expect(await send(credits, 'invoice.paid', invoice)).toBe('granted')
    const periodEnd = ((invoice.lines as { data: { period: { end: number } }[] }).data[0]?.period.end ?? 0) * 1000
    // Wait until the period is over (the stores read their own clock; a margin covers their skew).
    await sleep(Math.max(0, periodEnd - Date.now()) + 1_200)

    const balance = await ledger.balance(account)
    expect(balance.available).toBe(PACK)
    expect(balance.grants).toEqual([expect.objectContaining({ source: 'purchase', remaining: PACK })])
    const expired = (await ledger.history(account, { types: ['expire'] })).entries
    expect(expired.map((e) => e.amount)).toEqual([-BASIC])
    expect((await ledger.verify(account)).ok).toBe(true)
    // A late redelivery of the paid invoice replays; it grants nothing new.
    expect(await send(credits, 'invoice.paid', invoice)).toBe('already_granted')
    expect(await available()).toBe(PACK)
  })

  it('a failed renewal is an event and grants nothing; a successful retry grants the period', async () => {
    const { credits, hooks } = await setup()
    const { invoice, subscription } = await subscribe(credits, 'basic')
    await send(credits, 'invoice.paid', invoice)
    const declined = subs.renew(subscription.id as string, { paid: false })

    expect(await send(credits, 'invoice.payment_failed', declined)).toBe('payment_failed')
    expect(await send(credits, 'invoice.payment_failed', declined)).toBe('payment_failed')
    expect(await available()).toBe(BASIC)
    expect(hooks.events).toEqual([
      {
        type: 'plan_payment_failed',
        account,
        invoiceId: declined.id,
        subscriptionId: subscription.id,
        planId: 'basic',
        attemptCount: 1,
        nextPaymentAttempt: declined.next_payment_attempt,
      },
      expect.objectContaining({ type: 'plan_payment_failed', invoiceId: declined.id }),
    ])

    expect(await send(credits, 'invoice.paid', subs.payLater(declined.id as string))).toBe('granted')
    expect(await available()).toBe(2 * BASIC)
  })

  it('a plan change takes effect at the next period; a mid-period proration invoice grants nothing', async () => {
    const { credits } = await setup()
    const { invoice, subscription } = await subscribe(credits, 'basic')
    await send(credits, 'invoice.paid', invoice)

    const proration = subs.prorationInvoice(subscription.id as string, 'price_test_plan_pro')
    expect(await send(credits, 'invoice.paid', proration)).toBe('ignored')
    expect(await available()).toBe(BASIC)

    const upgraded = subs.renew(subscription.id as string)
    expect(await send(credits, 'invoice.paid', upgraded)).toBe('granted')
    expect(await available()).toBe(BASIC + PRO)

    subs.changePrice(subscription.id as string, 'price_test_plan_basic')
    expect(await send(credits, 'invoice.paid', subs.renew(subscription.id as string))).toBe('granted')
    expect(await available()).toBe(2 * BASIC + PRO)
    const planIds = (await ledger.history(account)).entries.map((e) => e.metadata?.planId)
    expect(planIds).toEqual(['basic', 'pro', 'basic'])
  })

  it('cancellation is an event; the paid period keeps its credits and no later period is billed', async () => {
    const { credits, hooks } = await setup()
    await buyPack(credits)
    const { invoice, subscription } = await subscribe(credits, 'pro')
    await send(credits, 'invoice.paid', invoice)
    expect(await send(credits, 'customer.subscription.deleted', subs.cancel(subscription.id as string))).toBe(
      'plan_ended',
    )
    expect(hooks.events).toEqual([{ type: 'plan_ended', account, subscriptionId: subscription.id, planId: 'pro' }])
    expect(() => subs.renew(subscription.id as string)).toThrow()
    expect(await available()).toBe(PACK + PRO)
  })

  it('refuses an invoice whose price is not a plan, as an event; ignores subscriptions it did not create', async () => {
    const { credits, hooks } = await setup()
    const { invoice, subscription } = await subscribe(credits, 'basic')
    const foreignPrice = structuredClone(invoice) as typeof invoice & {
      lines: { data: { pricing: { price_details: { price: string } } }[] }
    }
    for (const line of foreignPrice.lines.data) line.pricing.price_details.price = 'price_someone_else'
    expect(await send(credits, 'invoice.paid', foreignPrice)).toBe('unknown_plan')
    expect(hooks.events).toEqual([
      {
        type: 'grant_refused',
        reason: 'unknown_plan',
        invoiceId: invoice.id,
        subscriptionId: subscription.id,
        prices: ['price_someone_else'],
      },
    ])
    const notOurs = { ...invoice, parent: { subscription_details: { subscription: 'sub_x', metadata: {} } } }
    expect(await send(credits, 'invoice.paid', notOurs)).toBe('not_metered')
    expect(await available()).toBe(0)
  })

  it('reads invoices of API versions before 2025-03-31 the same way', async () => {
    const { credits } = await setup()
    const { invoice } = await subscribe(credits, 'pro')
    expect(await send(credits, 'invoice.paid', legacyInvoice(invoice))).toBe('granted')
    // The same invoice in the new shape is the same grant.
    expect(await send(credits, 'invoice.paid', invoice)).toBe('already_granted')
    expect(await available()).toBe(PRO)
  })

  it("portal opens on the account's own customer only", async () => {
    const { credits, customers } = await setup()
    const { session } = await subscribe(credits, 'basic')
    await send(credits, 'checkout.session.completed', session)

    const before = fake.portalSessions.length
    const { url } = await credits.portal({ account })
    expect(url).toMatch(/^https:\/\/billing\.stripe\.com\//)
    expect(fake.portalSessions.slice(before)).toEqual([
      expect.objectContaining({
        customer: customers.map.get(account),
        return_url: 'https://app.example/checkout/cancel',
      }),
    ])

    const stranger = `acct-${randomBytes(6).toString('hex')}`
    await expect(credits.portal({ account: stranger })).rejects.toBeInstanceOf(NotFoundError)
    await expect(credits.portal({ account, customerId: 'cus_other' } as never)).rejects.toBeInstanceOf(ValidationError)
    expect(fake.portalSessions.length).toBe(before + 1)
  })
})

describe('plan catalog', () => {
  it('refuses duplicate ids and prices, and credits that are not whole ledger units', async () => {
    const ledger = await memoryLedger.fresh()
    const make = (plans: unknown) => () => makeCredits(fake, ledger, { plans: plans as CreditPlan[] })
    const error = (fn: () => unknown) => {
      try {
        fn()
      } catch (e) {
        return e as ValidationError
      }
      throw new Error('expected a ValidationError')
    }
    const dup = error(make([PLANS[0], { ...PLANS[1], id: 'basic' }, { ...PLANS[1], price: PLANS[0]?.price }]))
    expect(dup).toBeInstanceOf(ValidationError)
    expect(dup.issues.map((i) => i.path)).toEqual(['plans.1.id', 'plans.2.price'])
    const fraction = error(make([{ ...PLANS[0], credits: 0.0001 }]))
    expect(fraction.issues.map((i) => i.path)).toEqual(['plans.0.credits'])
    const noPrice = error(make([{ id: 'x', credits: 1 }]))
    expect(noPrice.issues.map((i) => i.path)).toEqual(['plans.0.price'])
  })
})
