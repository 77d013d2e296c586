import { createMemoryLedger, createMetered, StoreUnavailableError, ValidationError } from '@metered/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createStripeCredits, type StripeCustomerStore } from '../src/index.js'
import { WEBHOOK_SECRET } from './helpers/events.js'
import { FakeStripe } from './helpers/fake-stripe.js'
import { makeCredits, STARTER_PACKS } from './helpers/setup.js'

const fake = new FakeStripe()
beforeAll(() => fake.start())
afterAll(() => fake.stop())

describe('checkout', () => {
  it('creates a payment session priced from the server catalog, with metadata and an idempotency key', async () => {
    const { credits } = makeCredits(fake, createMemoryLedger())
    const { url, sessionId } = await credits.checkout({ account: 'user-1', packId: 'pack-5' })

    expect(url).toBe(`https://checkout.stripe.com/c/pay/${sessionId}`)
    const [req] = fake.requestsTo('POST', '/v1/checkout/sessions').slice(-1)
    expect(req?.body).toMatchObject({
      mode: 'payment',
      client_reference_id: 'user-1',
      line_items: [
        { quantity: '1', price_data: { currency: 'usd', unit_amount: '500', product_data: { name: '5,050 credits' } } },
      ],
      metadata: { metered_account: 'user-1', metered_pack: 'pack-5' },
      payment_intent_data: { metadata: { metered_account: 'user-1', metered_pack: 'pack-5' } },
      success_url: 'https://app.example/checkout/success?session_id={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://app.example/checkout/cancel',
    })
    expect(req?.headers['idempotency-key']).toMatch(/^metered:checkout:user-1:pack-5:[0-9a-f-]{36}$/)
    expect(fake.sessions.get(sessionId)?.amount_total).toBe(500)
  })

  it('uses the Stripe price id of a dashboard-priced pack', async () => {
    const { credits } = makeCredits(fake, createMemoryLedger())
    await credits.checkout({ account: 'user-1', packId: 'pack-10', customerEmail: 'buyer@example.com' })
    const [req] = fake.requestsTo('POST', '/v1/checkout/sessions').slice(-1)
    expect(req?.body.line_items).toEqual([{ price: 'price_test_pack_10', quantity: '1' }])
    expect(req?.body.customer_email).toBe('buyer@example.com')
  })

  it('scopes a caller idempotency key to account and pack, so a double submit returns the same session', async () => {
    const { credits } = makeCredits(fake, createMemoryLedger())
    const a = await credits.checkout({ account: 'user-2', packId: 'pack-1', idempotencyKey: 'render-123' })
    const b = await credits.checkout({ account: 'user-2', packId: 'pack-1', idempotencyKey: 'render-123' })
    const c = await credits.checkout({ account: 'user-3', packId: 'pack-1', idempotencyKey: 'render-123' })
    expect(b.sessionId).toBe(a.sessionId)
    expect(c.sessionId).not.toBe(a.sessionId)
    const [last] = fake.requestsTo('POST', '/v1/checkout/sessions').slice(-1)
    expect(last?.headers['idempotency-key']).toBe('metered:checkout:user-3:pack-1:render-123')
  })

  it('keeps idempotency keys within 255 characters for long account ids', async () => {
    const { credits } = makeCredits(fake, createMemoryLedger())
    await credits.checkout({ account: 'a'.repeat(200), packId: 'pack-100', idempotencyKey: 'k'.repeat(120) })
    const [last] = fake.requestsTo('POST', '/v1/checkout/sessions').slice(-1)
    expect(String(last?.headers['idempotency-key']).length).toBeLessThanOrEqual(255)
    expect(last?.headers['idempotency-key']).toMatch(/^metered:checkout:[0-9a-f]{64}$/)
  })

  it('refuses an unknown or retired pack with a ValidationError and calls no Stripe API', async () => {
    const { credits } = makeCredits(fake, createMemoryLedger(), {
      packs: [...STARTER_PACKS, { id: 'old-pack', credits: 10, unitAmount: 100, currency: 'usd', active: false }],
    })
    const before = fake.requests.length
    await expect(credits.checkout({ account: 'user-1', packId: 'pack-999' })).rejects.toBeInstanceOf(ValidationError)
    await expect(credits.checkout({ account: 'user-1', packId: 'old-pack' })).rejects.toMatchObject({
      code: 'validation_error',
      issues: [{ path: 'packId', message: 'unknown pack "old-pack"' }],
    })
    await expect(credits.checkout({ account: '', packId: 'pack-1' })).rejects.toBeInstanceOf(ValidationError)
    await expect(
      credits.checkout({ account: 'user-1', packId: 'pack-1', customerEmail: 'not an email' }),
    ).rejects.toBeInstanceOf(ValidationError)
    expect(fake.requests.length).toBe(before)
    expect(credits.packs.map((p) => p.id)).not.toContain('old-pack')
  })

  it('reuses one Stripe customer per account through the customers store', async () => {
    const saved = new Map<string, string>()
    const customers: StripeCustomerStore = {
      get: async (account) => saved.get(account),
      set: async (account, id) => {
        saved.set(account, id)
      },
    }
    const { credits } = makeCredits(fake, createMemoryLedger(), { customers })
    const createdBefore = fake.requestsTo('POST', '/v1/customers').length

    await Promise.all([
      credits.checkout({ account: 'user-c', packId: 'pack-1', customerEmail: 'c@example.com' }),
      credits.checkout({ account: 'user-c', packId: 'pack-5', customerEmail: 'c@example.com' }),
    ])
    await credits.checkout({ account: 'user-c', packId: 'pack-20' })

    const creates = fake.requestsTo('POST', '/v1/customers').slice(createdBefore)
    // Two racing first purchases send the same idempotency key: Stripe answers both with one customer.
    expect(new Set(creates.map((r) => r.headers['idempotency-key'])).size).toBe(1)
    expect(creates[0]?.body).toEqual({ email: 'c@example.com', metadata: { metered_account: 'user-c' } })
    const customerId = saved.get('user-c')
    expect(customerId).toMatch(/^cus_/)
    const sessions = fake.requestsTo('POST', '/v1/checkout/sessions').slice(-3)
    expect(sessions.map((r) => r.body.customer)).toEqual([customerId, customerId, customerId])
    expect(sessions.every((r) => r.body.customer_email === undefined)).toBe(true)
  })

  it('charges a given customer id without touching the store', async () => {
    const { credits } = makeCredits(fake, createMemoryLedger())
    await credits.checkout({ account: 'user-1', packId: 'pack-1', customerId: 'cus_existing' })
    const [last] = fake.requestsTo('POST', '/v1/checkout/sessions').slice(-1)
    expect(last?.body.customer).toBe('cus_existing')
  })

  it('turns Stripe outages into StoreUnavailableError and configuration errors into the SDK error', async () => {
    const { credits } = makeCredits(fake, createMemoryLedger())
    fake.fail(/^POST \/v1\/checkout\/sessions$/, 500)
    await expect(credits.checkout({ account: 'user-1', packId: 'pack-1' })).rejects.toBeInstanceOf(
      StoreUnavailableError,
    )
    fake.fail(/^POST \/v1\/checkout\/sessions$/, 400, 1, 'invalid_request_error')
    await expect(credits.checkout({ account: 'user-1', packId: 'pack-1' })).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
    })
  })

  it('lists the active catalog without Stripe ids or secrets', () => {
    const { credits } = makeCredits(fake, createMemoryLedger())
    expect(credits.packs).toHaveLength(6)
    expect(credits.packs[2]).toEqual({
      id: 'pack-10',
      name: '11,000 credits',
      description: null,
      credits: 10_000,
      bonus: 1_000,
      unitAmount: 1000,
      currency: 'usd',
    })
  })
})

describe('configuration', () => {
  const base = () => ({
    stripe: fake.client(),
    metered: createMetered({ ledger: createMemoryLedger() }),
    packs: STARTER_PACKS,
    webhookSecret: WEBHOOK_SECRET,
    successUrl: 'https://app.example/ok?session_id={CHECKOUT_SESSION_ID}',
    cancelUrl: 'https://app.example/cancel',
  })

  it('accepts a valid config', () => {
    expect(() => createStripeCredits(base())).not.toThrow()
  })

  it.each([
    ['no packs', { packs: [] }, 'packs'],
    ['duplicate ids', { packs: [STARTER_PACKS[0], STARTER_PACKS[0]] }, 'packs.1.id'],
    ['no price', { packs: [{ id: 'x', credits: 5 }] }, 'packs.0.price'],
    ['amount without currency', { packs: [{ id: 'x', credits: 5, unitAmount: 100 }] }, 'packs.0.currency'],
    ['fractional units', { packs: [{ id: 'x', credits: 1.5, unitAmount: 100, currency: 'usd' }] }, 'packs.0.credits'],
    ['bad pack id', { packs: [{ id: 'a b', credits: 5, unitAmount: 100, currency: 'usd' }] }, 'packs.0.id'],
    ['relative success URL', { successUrl: '/checkout/success' }, 'successUrl'],
    ['empty secret', { webhookSecret: '' }, 'webhookSecret'],
    ['not a Stripe client', { stripe: {} }, 'stripe'],
    ['a ledger instead of the metered instance', { metered: createMemoryLedger() }, 'metered'],
    ['a unit of its own', { unitsPerCredit: 1000 }, ''],
    ['unknown option', { webhookSecrett: 'whsec_x' }, ''],
  ])('refuses %s', (_name, override, path) => {
    let error: unknown
    try {
      createStripeCredits({ ...base(), ...override } as never)
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).issues.map((i) => i.path)).toContain(path)
  })

  it('accepts fractional credits that come out as whole units', () => {
    const credits = createStripeCredits({
      ...base(),
      metered: createMetered({ ledger: createMemoryLedger(), unitsPerCredit: 1000 }),
      packs: [{ id: 'tiny', credits: 0.5, unitAmount: 50, currency: 'USD', expiresIn: '30 d' }],
    })
    expect(credits.packs[0]).toMatchObject({ credits: 0.5, currency: 'usd' })
  })
})
