import { randomBytes } from 'node:crypto'
import { createMemoryLedger, type Ledger, ValidationError } from '@metered/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type AutoTopUpOptions,
  createMemoryTopUpStore,
  type StripeCreditsOptions,
  type StripeCustomerStore,
} from '../src/index.js'
import { delivery, event } from './helpers/events.js'
import { type CardOutcome, FakeStripe } from './helpers/fake-stripe.js'
import type { LedgerUnderTest } from './helpers/ledgers.js'
import { memoryLedger } from './helpers/ledgers.js'
import { postgresLedger } from './helpers/postgres-ledger.js'
import { redisLedger } from './helpers/redis-ledger.js'
import {
  makeAutoTopUpCredits,
  makeCredits,
  memoryCustomerStore,
  STARTER_PACKS,
  UNITS_PER_CREDIT,
} from './helpers/setup.js'
import { memoryTopUps, postgresTopUps, redisTopUps, type TopUpStoreUnderTest } from './helpers/top-up-stores.js'

const fake = new FakeStripe()
beforeAll(() => fake.start())
afterAll(() => fake.stop())

// Each store with the ledger it is deployed beside: concurrent crossings and redeliveries race
// through both, so each pair runs the whole file.
const matrix: [TopUpStoreUnderTest, LedgerUnderTest][] = [
  [memoryTopUps, memoryLedger],
  [postgresTopUps(), postgresLedger()],
  [redisTopUps(), redisLedger()],
]
afterAll(() => Promise.all(matrix.flat().map((x) => x.close?.())))

describe.each(matrix)('auto top-up on the $name store and ledger', (stores, ledgers) => {
  let ledger: Ledger
  let account: string
  let customers: StripeCustomerStore

  const setup = async (autoTopUp: Partial<AutoTopUpOptions> = {}) => {
    ledger = await ledgers.fresh()
    account = `acct-${randomBytes(6).toString('hex')}`
    customers = memoryCustomerStore()
    return makeAutoTopUpCredits(fake, ledger, { store: await stores.fresh(), ...autoTopUp }, { customers })
  }
  type Made = Awaited<ReturnType<typeof setup>>

  const available = async () => (await ledger.balance(account)).available
  const send = async (credits: Made['credits'], type: string, object: object) => {
    const res = await credits.webhook(delivery(event(type, object as Record<string, unknown>)))
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }
  /** The first purchase, through Checkout: it saves the card for off-session charges. */
  const firstPurchase = async (credits: Made['credits'], card: CardOutcome = 'succeeds') => {
    const { sessionId } = await credits.checkout({ account, packId: 'pack-1' })
    const customer = await customers.get(account)
    if (!customer) throw new Error('no customer saved')
    const session = fake.completeSession(sessionId)
    expect((await send(credits, 'checkout.session.completed', session)).body.outcome).toBe('granted')
    if (card !== 'succeeds')
      fake.paymentMethods.set(customer, [{ id: fake.savePaymentMethod(customer, card), outcome: card }])
    return { sessionId, customer }
  }
  const spendTo = async (units: number) => {
    const left = await available()
    await ledger.debit({ account, amount: left - units, reason: 'chat' })
  }
  const intentsOf = () =>
    [...fake.paymentIntents.values()].filter(
      (pi) => (pi.metadata as Record<string, string>).metered_account === account,
    )
  const topUpGrants = async () =>
    (await ledger.history(account, { types: ['grant'] })).entries.filter((e) => e.reason === 'auto_top_up')

  it('saves the card at checkout, charges once for 50 concurrent checks that cross, grants only from the webhook', async () => {
    const { credits, top, hooks } = await setup()
    await firstPurchase(credits)
    const sent = fake.requestsTo('POST', '/v1/checkout/sessions').at(-1)
    expect(sent?.body.payment_intent_data).toMatchObject({ setup_future_usage: 'off_session' })
    await top.configure(account, { enabled: true, threshold: 100, packId: 'pack-5' })

    await spendTo(50 * UNITS_PER_CREDIT)
    const outcomes = await Promise.all(Array.from({ length: 50 }, () => top.check(account)))
    const charged = outcomes.filter((o) => o.outcome === 'charged')
    expect(charged).toHaveLength(1)
    expect(outcomes.filter((o) => o.outcome === 'not_claimed')).toHaveLength(49)
    const intents = intentsOf()
    expect(intents).toHaveLength(1)
    expect(intents[0]).toMatchObject({ amount: 500, currency: 'usd', off_session: true, confirm: true })
    // Charged but not granted: only the signed webhook grants.
    expect(await available()).toBe(50 * UNITS_PER_CREDIT)

    const intent = intents[0] as Record<string, unknown>
    const res = await send(credits, 'payment_intent.succeeded', intent)
    expect(res).toEqual({ status: 200, body: { received: true, outcome: 'granted' } })
    expect(await available()).toBe((50 + 5_050) * UNITS_PER_CREDIT)
    expect(hooks.events).toEqual([])
    expect((await ledger.verify(account)).ok).toBe(true)
  })

  it('grants once under redelivered and out-of-order webhooks', async () => {
    const { credits, top } = await setup()
    await firstPurchase(credits)
    await top.configure(account, { enabled: true, threshold: 100, packId: 'pack-5' })
    await spendTo(0)
    expect((await top.check(account)).outcome).toBe('charged')
    const intent = intentsOf()[0] as Record<string, unknown>

    // A processing-era event first, then 20 concurrent deliveries of success (Stripe retries).
    expect((await send(credits, 'payment_intent.processing', { ...intent, status: 'processing' })).body.outcome).toBe(
      'ignored',
    )
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => send(credits, 'payment_intent.succeeded', intent)),
    )
    expect(answers.every((a) => a.status === 200)).toBe(true)
    expect(answers.filter((a) => a.body.outcome === 'granted')).toHaveLength(1)
    expect(answers.filter((a) => a.body.outcome === 'already_granted')).toHaveLength(19)
    // A failure event of the same intent, arriving late, neither pauses nor takes anything back.
    await send(credits, 'payment_intent.payment_failed', { ...intent, last_payment_error: { code: 'card_declined' } })
    expect(await topUpGrants()).toHaveLength(1)
    expect(await available()).toBe(5_050 * UNITS_PER_CREDIT)
    expect(await top.settings(account)).toMatchObject({ enabled: true, paused: null })

    // The crossing closed with the grant: the next one charges again.
    await spendTo(10 * UNITS_PER_CREDIT)
    expect((await top.check(account)).outcome).toBe('charged')
    expect(intentsOf()).toHaveLength(2)
  })

  it.each(['card_declined', 'authentication_required'] as const)(
    '%s: an event, the setting paused, nothing granted',
    async (card) => {
      const { credits, top, hooks } = await setup()
      await firstPurchase(credits, card)
      await top.configure(account, { enabled: true, threshold: 100, packId: 'pack-5' })
      await spendTo(0)

      expect(await top.check(account)).toEqual({ outcome: 'paused', reason: card })
      const intent = intentsOf()[0] as Record<string, unknown>
      expect(hooks.events).toEqual([
        { type: 'top_up_failed', account, reason: card, packId: 'pack-5', paymentIntentId: intent.id },
      ])
      expect(await top.settings(account)).toEqual({ enabled: true, threshold: 100, packId: 'pack-5', paused: card })
      // Paused: no further attempt, and the failure webhook adds no second event.
      expect((await top.check(account)).outcome).toBe('not_claimed')
      const failed = { ...intent, last_payment_error: { code: card } }
      expect((await send(credits, 'payment_intent.payment_failed', failed)).body.outcome).toBe('top_up_failed')
      expect(hooks.events).toHaveLength(1)
      expect(await available()).toBe(0)
      expect(await topUpGrants()).toEqual([])
      expect(intentsOf()).toHaveLength(1)

      // The user fixes the card and switches it back on: the next check charges.
      const customer = (await customers.get(account)) as string
      fake.savePaymentMethod(customer, 'succeeds')
      await top.configure(account, { enabled: true, threshold: 100, packId: 'pack-5' })
      expect((await top.check(account)).outcome).toBe('charged')
    },
  )

  it('pauses with no_payment_method when the account has no saved card', async () => {
    const { top, hooks } = await setup()
    await top.configure(account, { enabled: true, threshold: 100, packId: 'pack-5' })
    expect(await top.check(account, { available: 0 })).toEqual({ outcome: 'paused', reason: 'no_payment_method' })
    expect(hooks.events).toMatchObject([{ type: 'top_up_failed', reason: 'no_payment_method', paymentIntentId: null }])
    expect(intentsOf()).toEqual([])
  })

  it('charges at most maxPerPeriod times per period', async () => {
    const { credits, top } = await setup({ maxPerPeriod: 2, period: '30 d' })
    await firstPurchase(credits)
    await top.configure(account, { enabled: true, threshold: 100, packId: 'pack-1' })
    for (let i = 0; i < 2; i++) {
      await spendTo(0)
      expect((await top.check(account)).outcome).toBe('charged')
      const intent = intentsOf()[i] as Record<string, unknown>
      expect((await send(credits, 'payment_intent.succeeded', intent)).body.outcome).toBe('granted')
    }
    await spendTo(0)
    const third = await Promise.all(Array.from({ length: 10 }, () => top.check(account)))
    expect(third.every((o) => o.outcome === 'not_claimed')).toBe(true)
    expect(intentsOf()).toHaveLength(2)
    expect(await topUpGrants()).toHaveLength(2)
  })

  it('does nothing while disabled or above the threshold', async () => {
    const { credits, top } = await setup()
    await firstPurchase(credits)
    expect((await top.check(account, { available: 0 })).outcome).toBe('not_claimed')
    await top.configure(account, { enabled: false, threshold: 100, packId: 'pack-5' })
    expect((await top.check(account, { available: 0 })).outcome).toBe('not_claimed')
    await top.configure(account, { enabled: true, threshold: 100, packId: 'pack-5' })
    // 100 credits exactly is not below 100.
    expect((await top.check(account, { available: 100 * UNITS_PER_CREDIT })).outcome).toBe('not_claimed')
    expect(intentsOf()).toEqual([])
  })

  it('retries a charge Stripe did not answer under the same idempotency key, once the claim is stale', async () => {
    const { credits, top, hooks } = await setup({ retryAfter: 1 })
    await firstPurchase(credits)
    await top.configure(account, { enabled: true, threshold: 100, packId: 'pack-5' })
    await spendTo(0)
    fake.fail(/^POST \/v1\/payment_intents$/, 500, 1)
    expect(await top.check(account)).toEqual({ outcome: 'retry_later' })
    expect(hooks.errors).toHaveLength(1)
    await new Promise((r) => setTimeout(r, 5))
    expect((await top.check(account)).outcome).toBe('charged')
    const keys = fake.requestsTo('POST', '/v1/payment_intents').map((r) => r.headers['idempotency-key'])
    expect(new Set(keys.slice(-2)).size).toBe(1)
    expect(intentsOf()).toHaveLength(1)
  })
})

describe('auto top-up configuration', () => {
  const fresh = (overrides: Partial<StripeCreditsOptions> = {}) =>
    makeCredits(fake, createMemoryLedger(), {
      customers: memoryCustomerStore(),
      autoTopUp: { store: createMemoryTopUpStore() },
      ...overrides,
    })

  const issuePaths = (fn: () => unknown) => {
    try {
      fn()
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError)
      return (err as ValidationError).issues.map((i) => i.path)
    }
    throw new Error('did not throw')
  }

  it('needs the customers store', async () => {
    const store = createMemoryTopUpStore()
    expect(issuePaths(() => makeCredits(fake, createMemoryLedger(), { autoTopUp: { store } }))).toContain('customers')
  })

  it('refuses a store without the claim methods and a bad cap', () => {
    expect(issuePaths(() => fresh({ autoTopUp: { store: {} as never } }))).toContain('autoTopUp.store')
    expect(issuePaths(() => fresh({ autoTopUp: { store: {} as never, maxPerPeriod: 0 } }))).toContain(
      'autoTopUp.maxPerPeriod',
    )
  })

  it('refuses settings it cannot charge, and changes nothing', async () => {
    const store = createMemoryTopUpStore()
    const packs = [...STARTER_PACKS, { id: 'dashboard-only', credits: 10, price: 'price_test_pack_10' }]
    const top = fresh({ autoTopUp: { store }, packs }).credits.autoTopUp
    if (!top) throw new Error('autoTopUp missing')
    const bad = async (input: unknown) => {
      try {
        await top.configure('acct', input as never)
      } catch (err) {
        expect(err).toBeInstanceOf(ValidationError)
        return (err as ValidationError).issues.map((i) => i.path)
      }
      throw new Error('did not throw')
    }
    expect(await bad({ enabled: true, threshold: 10, packId: 'nope' })).toEqual(['packId'])
    // Packs with only a Stripe price id have no amount for an off-session PaymentIntent.
    expect(await bad({ enabled: true, threshold: 10, packId: 'dashboard-only' })).toEqual(['packId'])
    expect(await bad({ enabled: true, threshold: -1, packId: 'pack-1' })).toEqual(['threshold'])
    expect(await bad({ enabled: 'yes', threshold: 1, packId: 'pack-1' })).toEqual(['enabled'])
    expect(await store.get('acct')).toBeNull()
    expect(await top.settings('acct')).toEqual({ enabled: false, threshold: 0, packId: null, paused: null })
  })

  it('is null without the option', () => {
    expect(makeCredits(fake, createMemoryLedger()).credits.autoTopUp).toBeNull()
  })
})
