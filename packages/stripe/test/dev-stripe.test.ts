import { createMemoryLedger, createMetered } from '@metered/core'
import Stripe from 'stripe'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { DEV_STRIPE_REFUSED, devStripeMode } from '../src/dev/production-guard.js'
import { signPayload, verifyPayload } from '../src/dev/signature.js'
import { createDevStripe, createMemoryTopUpStore, createStripeCredits } from '../src/index.js'
import { STARTER_PACKS, UNITS_PER_CREDIT } from './helpers/setup.js'

const sdk = new Stripe('sk_test_signer_only')

function setup() {
  const dev = createDevStripe({
    checkoutUrl: (id) => `http://localhost:3000/checkout/dev?session_id=${id}`,
    prices: { price_test_pack_10: { unitAmount: 1000, currency: 'usd' } },
  })
  const ledger = createMemoryLedger()
  const credits = createStripeCredits({
    stripe: dev.client,
    metered: createMetered({ ledger, unitsPerCredit: UNITS_PER_CREDIT }),
    packs: STARTER_PACKS,
    webhookSecret: dev.webhookSecret,
    successUrl: 'http://localhost:3000/checkout/success?session_id={CHECKOUT_SESSION_ID}',
    cancelUrl: 'http://localhost:3000/checkout/cancel',
    onEvent: () => {},
    onError: () => {},
  })
  return { dev, ledger, credits }
}

/** The dev Stripe with a plan, automatic top-up and customers, delivering its own events to `credits.webhook`. */
function billingSetup() {
  const outcomes: string[] = []
  const customers = new Map<string, string>()
  let credits: ReturnType<typeof createStripeCredits> | null = null
  const dev = createDevStripe({
    checkoutUrl: (id) => `http://localhost:3000/checkout/dev?session_id=${id}`,
    prices: { price_dev_starter: { unitAmount: 900, currency: 'usd' } },
    deliver: async (delivery) => void outcomes.push(await outcome((await credits?.webhook(delivery)) as Response)),
  })
  const ledger = createMemoryLedger()
  credits = createStripeCredits({
    stripe: dev.client,
    metered: createMetered({ ledger, unitsPerCredit: UNITS_PER_CREDIT }),
    packs: STARTER_PACKS,
    plans: [{ id: 'starter', credits: 5_000, price: 'price_dev_starter', unitAmount: 900, currency: 'usd' }],
    customers: { get: async (a) => customers.get(a), set: async (a, id) => void customers.set(a, id) },
    autoTopUp: { store: createMemoryTopUpStore(), maxPerPeriod: 3, period: '30 d' },
    webhookSecret: dev.webhookSecret,
    successUrl: 'http://localhost:3000/checkout/success?session_id={CHECKOUT_SESSION_ID}',
    cancelUrl: 'http://localhost:3000/checkout/cancel',
    portalReturnUrl: 'http://localhost:3000/billing',
    onEvent: () => {},
    onError: () => {},
  })
  return { dev, ledger, credits, outcomes }
}

const outcome = async (res: Response) => ((await res.json()) as { outcome: string }).outcome

describe('createDevStripe', () => {
  afterEach(() => {
    vi.unstubAllEnvs()
    vi.restoreAllMocks()
  })

  it('runs the production path without Stripe: checkout, signed webhook, status, once', async () => {
    const { dev, ledger, credits } = setup()
    const { url, sessionId } = await credits.checkout({ account: 'dev-user', packId: 'pack-10' })
    expect(url).toBe(`http://localhost:3000/checkout/dev?session_id=${sessionId}`)
    expect(dev.session(sessionId)).toMatchObject({ amount_total: 1000, metadata: { metered_pack: 'pack-10' } })
    expect((await credits.getCheckoutStatus(sessionId, { account: 'dev-user' })).status).toBe('unpaid')

    expect(await outcome(await credits.webhook(await dev.pay(sessionId)))).toBe('granted')
    expect(await outcome(await credits.webhook(await dev.pay(sessionId)))).toBe('already_granted')
    expect((await ledger.balance('dev-user')).available).toBe(11_000 * UNITS_PER_CREDIT)
    expect((await credits.getCheckoutStatus(sessionId, { account: 'dev-user' })).status).toBe('granted')
  })

  it('refunds and disputes through the same clawback path', async () => {
    const { dev, ledger, credits } = setup()
    const { sessionId } = await credits.checkout({ account: 'dev-user', packId: 'pack-1' })
    await credits.webhook(await dev.pay(sessionId))
    expect(await outcome(await credits.webhook(await dev.refund(sessionId, 25)))).toBe('revoked')
    expect((await ledger.balance('dev-user')).available).toBe(750_000)
    expect(await outcome(await credits.webhook(await dev.dispute(sessionId)))).toBe('revoked')
    expect((await ledger.balance('dev-user')).available).toBe(0)
  })

  it("completes a plan checkout: the session's webhook, then the first invoice.paid granting the plan once", async () => {
    const { dev, ledger, credits, outcomes } = billingSetup()
    const { sessionId } = await credits.subscribe({ account: 'dev-user', planId: 'starter' })
    expect(dev.session(sessionId)).toMatchObject({ mode: 'subscription', amount_total: 900, status: 'open' })
    expect(await outcome(await credits.webhook(await dev.pay(sessionId)))).toBe('subscribed')
    await vi.waitFor(() => expect(outcomes).toEqual(['granted']))
    const { available, grants } = await ledger.balance('dev-user')
    expect(available).toBe(5_000 * UNITS_PER_CREDIT)
    expect(grants).toHaveLength(1)
    // Paying the completed session again replays its completion only: no second invoice.
    expect(await outcome(await credits.webhook(await dev.pay(sessionId)))).toBe('subscribed')
    await new Promise((r) => setTimeout(r, 20))
    expect(outcomes).toEqual(['granted'])
    expect((await ledger.balance('dev-user')).available).toBe(5_000 * UNITS_PER_CREDIT)
    expect(await credits.portal({ account: 'dev-user' })).toEqual({ url: 'http://localhost:3000/billing' })
  })

  it('charges a top-up off-session on the card the plan checkout saved, and grants the pack once', async () => {
    const { dev, ledger, credits, outcomes } = billingSetup()
    const topUp = credits.autoTopUp
    if (!topUp) throw new Error('autoTopUp is configured')
    const { sessionId } = await credits.subscribe({ account: 'dev-user', planId: 'starter' })
    await credits.webhook(await dev.pay(sessionId))
    await vi.waitFor(() => expect(outcomes).toEqual(['granted']))
    await topUp.configure('dev-user', { enabled: true, threshold: 6_000, packId: 'pack-1' })
    // Five concurrent requests see the balance (5,000) below the threshold: one charge.
    const checks = await Promise.all(Array.from({ length: 5 }, () => topUp.check('dev-user')))
    expect(checks.filter((c) => c.outcome === 'charged')).toHaveLength(1)
    await vi.waitFor(() => expect(outcomes).toEqual(['granted', 'granted']))
    expect((await ledger.balance('dev-user')).available).toBe(6_000 * UNITS_PER_CREDIT)
    expect((await topUp.check('dev-user')).outcome).toBe('not_claimed')
    expect(dev.takeDeliveries()).toEqual([])
  })

  it('keeps the deliveries for takeDeliveries when no deliver is set; an account without a card is paused', async () => {
    const { dev, ledger } = setup()
    const customers = new Map<string, string>()
    const credits = createStripeCredits({
      stripe: dev.client,
      metered: createMetered({ ledger, unitsPerCredit: UNITS_PER_CREDIT }),
      packs: STARTER_PACKS,
      plans: [{ id: 'starter', credits: 5_000, price: 'price_dev_starter' }],
      customers: { get: async (a) => customers.get(a), set: async (a, id) => void customers.set(a, id) },
      autoTopUp: { store: createMemoryTopUpStore() },
      webhookSecret: dev.webhookSecret,
      successUrl: 'http://localhost:3000/s?session_id={CHECKOUT_SESSION_ID}',
      cancelUrl: 'http://localhost:3000/c',
      onEvent: () => {},
      onError: () => {},
    })
    await credits.autoTopUp?.configure('no-card', { enabled: true, threshold: 10, packId: 'pack-1' })
    expect(await credits.autoTopUp?.check('no-card')).toEqual({ outcome: 'paused', reason: 'no_payment_method' })
    const { sessionId } = await credits.subscribe({ account: 'dev-user', planId: 'starter' })
    await credits.webhook(await dev.pay(sessionId))
    await vi.waitFor(() => expect(dev.takeDeliveries()).toHaveLength(1), { interval: 5 })
    expect((await ledger.balance('dev-user')).available).toBe(0)
  })

  it('refuses a delivery signed with another secret or tampered with', async () => {
    const { dev, credits } = setup()
    const { sessionId } = await credits.checkout({ account: 'dev-user', packId: 'pack-1' })
    const real = await dev.pay(sessionId)
    const body = await real.text()
    const tampered = new Request(real.url, {
      method: 'POST',
      headers: real.headers,
      body: body.replace('paid', 'paid '),
    })
    expect((await credits.webhook(tampered)).status).toBe(400)
    const other = new Request(real.url, {
      method: 'POST',
      headers: { 'stripe-signature': await signPayload(body, 'whsec_someone_else') },
      body,
    })
    expect((await credits.webhook(other)).status).toBe(400)
  })

  it("signs exactly like Stripe: the SDK verifies the dev signature and the dev verifier accepts the SDK's", async () => {
    const payload = JSON.stringify({ id: 'evt_1', object: 'event', type: 'ping', data: { object: {} } })
    const secret = 'whsec_interop_0123456789'
    await expect(
      sdk.webhooks.constructEventAsync(payload, await signPayload(payload, secret), secret),
    ).resolves.toMatchObject({
      id: 'evt_1',
    })
    await expect(
      verifyPayload(payload, sdk.webhooks.generateTestHeaderString({ payload, secret }), secret),
    ).resolves.toBeUndefined()
    const stale = await signPayload(payload, secret, Math.floor(Date.now() / 1000) - 301)
    await expect(verifyPayload(payload, stale, secret)).rejects.toMatchObject({
      type: 'StripeSignatureVerificationError',
    })
    await expect(sdk.webhooks.constructEventAsync(payload, stale, secret)).rejects.toMatchObject({
      type: 'StripeSignatureVerificationError',
    })
  })

  it.each([
    [{ NODE_ENV: 'development' }, false, 'serve'],
    [{ NODE_ENV: 'test' }, false, 'serve'],
    [{}, false, 'serve'],
    [{ NODE_ENV: 'development', NEXT_PHASE: 'phase-development-server' }, false, 'serve'],
    [{ NODE_ENV: 'production', NEXT_PHASE: 'phase-production-build' }, false, 'inert'],
    [{ NODE_ENV: 'production', NEXT_PHASE: 'phase-production-server' }, false, 'refuse'],
    [{ NODE_ENV: 'production' }, false, 'refuse'],
    [{ NODE_ENV: 'production', NEXT_PHASE: 'phase-production-server' }, true, 'serve'],
    [{ NODE_ENV: 'production', NEXT_PHASE: 'phase-production-build' }, true, 'serve'],
  ] as const)('mode for %o (allowInProduction %s): %s', (env, allow, mode) => {
    expect(devStripeMode(env, allow)).toBe(mode)
  })

  it('is created without a throw while `next build` collects page data, and serves nothing then', async () => {
    vi.stubEnv('NODE_ENV', 'production')
    vi.stubEnv('NEXT_PHASE', 'phase-production-build')
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const { dev, credits } = setup()
    expect(warn).not.toHaveBeenCalled() // a clean build log
    await expect(credits.checkout({ account: 'u', packId: 'pack-1' })).rejects.toThrow(DEV_STRIPE_REFUSED)
    expect(() => dev.session('cs_dev_x')).toThrow(DEV_STRIPE_REFUSED)
  })

  it('refuses every call on a production server with a clear error, and grants nothing', async () => {
    const { dev, ledger, credits } = setup()
    const { sessionId } = await credits.checkout({ account: 'u', packId: 'pack-1' })
    vi.stubEnv('NODE_ENV', 'production')
    vi.stubEnv('NEXT_PHASE', 'phase-production-server')
    await expect(credits.checkout({ account: 'u', packId: 'pack-1' })).rejects.toMatchObject({
      name: 'DevStripeRefusedError',
      message: expect.stringContaining('Set real Stripe keys'),
    })
    await expect(dev.pay(sessionId)).rejects.toThrow(DEV_STRIPE_REFUSED)
    await expect(dev.refund(sessionId)).rejects.toThrow(DEV_STRIPE_REFUSED)
    await expect(dev.dispute(sessionId)).rejects.toThrow(DEV_STRIPE_REFUSED)
    await expect(credits.getCheckoutStatus(sessionId, { account: 'u' })).rejects.toThrow(DEV_STRIPE_REFUSED)
    expect((await ledger.balance('u')).available).toBe(0)
  })

  it('warns at start-up when created on a production server', () => {
    vi.stubEnv('NODE_ENV', 'production')
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    createDevStripe({ checkoutUrl: (id) => `/dev/${id}` })
    expect(warn).toHaveBeenCalledWith(`[metered/stripe] ${DEV_STRIPE_REFUSED}`)
  })

  it('serves in production when told to (a staging demo)', async () => {
    vi.stubEnv('NODE_ENV', 'production')
    const dev = createDevStripe({ checkoutUrl: (id) => `/dev/${id}`, allowInProduction: true })
    const session = await dev.client.checkout.sessions.create({ line_items: [] })
    expect(dev.session(session.id)).toMatchObject({ status: 'open' })
  })
})
