import { createLimiter, createMemoryStores, fixedWindow, slidingWindow } from '@metered/core'
import { createMeteredNext } from '@metered/next'
import { createDevStripe, createStripeCredits } from '@metered/stripe'
import { describe, expect, test } from 'vitest'
import { checkoutRateLimit } from '../lib/route-limits'

// The chat and the checkout on one metered instance, with the limiter rules docs/nextjs.md shows
// (20 a minute, 500 a day, per user) and the checkout route's limit as the example declares it.
// Buying credits is what a user does when the chat stops: the chat's limits must not block it,
// and a purchase must not use up a chat turn.
function app() {
  const stores = createMemoryStores()
  const metered = createMeteredNext({
    ...stores,
    limiter: createLimiter({
      store: stores.limiterStore,
      rules: { minute: slidingWindow({ limit: 20, window: '1 m' }), day: fixedWindow({ limit: 500, window: '1 d' }) },
    }),
    unitsPerCredit: 1000,
    pricing: {},
    identify: (req) => {
      const id = req.headers.get('x-user')
      return id ? { id } : null
    },
    after: () => {}, // the settle promise runs by itself
  })
  const dev = createDevStripe({ checkoutUrl: (id) => `http://localhost/checkout/dev?session_id=${id}` })
  const stripeCredits = createStripeCredits({
    stripe: dev.client,
    webhookSecret: dev.webhookSecret,
    metered,
    packs: [{ id: 'pack-1', credits: 1_000, unitAmount: 100, currency: 'usd' }],
    successUrl: 'http://localhost/checkout/success?session_id={CHECKOUT_SESSION_ID}',
    cancelUrl: 'http://localhost/checkout/cancel',
  })
  const chat = metered.withCredits({ feature: 'generate', price: 1 }, async () => Response.json({ ok: true }))
  const checkout = metered.withRateLimit(checkoutRateLimit, async (_req, ctx) => {
    const { url } = await stripeCredits.checkout({ account: ctx.account, packId: 'pack-1' })
    return Response.json({ url })
  })
  const post = (route: typeof chat, user: string) =>
    route(new Request('http://localhost/api', { method: 'POST', headers: { 'x-user': user }, body: '{}' }), {
      params: Promise.resolve({}),
    })
  const grant = (account: string) =>
    stores.ledger.grant({ account, amount: 100_000, source: 'signup', idempotencyKey: `signup:${account}` })
  return { chat, checkout, post, grant }
}

describe('checkout and chat limits in the example', () => {
  test('20 chat turns (the chat now 429) do not block buying credits', async () => {
    const { chat, checkout, post, grant } = app()
    await grant('u1')
    for (let i = 0; i < 20; i++) expect((await post(chat, 'u1')).status).toBe(200)
    expect((await post(chat, 'u1')).status).toBe(429)

    const bought = await post(checkout, 'u1')
    expect(bought.status).toBe(200)
    expect(((await bought.json()) as { url: string }).url).toMatch(/^http:\/\/localhost\/checkout\/dev\?session_id=/)
  })

  test('a checkout does not use up a chat turn', async () => {
    const { chat, checkout, post, grant } = app()
    await grant('u2')
    for (let i = 0; i < 19; i++) expect((await post(chat, 'u2')).status).toBe(200)
    for (let i = 0; i < 3; i++) expect((await post(checkout, 'u2')).status).toBe(200)
    expect((await post(chat, 'u2')).status).toBe(200) // the 20th turn is still there
    expect((await post(chat, 'u2')).status).toBe(429)
  })

  test('checkout keeps a limit of its own', async () => {
    const { checkout, post } = app()
    for (let i = 0; i < 20; i++) expect((await post(checkout, 'u3')).status).toBe(200)
    const refused = await post(checkout, 'u3')
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).not.toBeNull()
  })
})

describe("the example's per-IP proxy", () => {
  test('never limits the Stripe webhook, however many deliveries come from one address', async () => {
    const { proxy } = await import('../proxy')
    const from = (path: string) =>
      new Request(`http://localhost${path}`, { headers: { 'x-forwarded-for': '203.0.113.9' } })
    for (let i = 0; i < 400; i++) expect(await proxy(from('/api/webhooks/stripe'))).toBeUndefined()
    // The same address on another API route is limited (300 a minute).
    const answers = await Promise.all(Array.from({ length: 301 }, () => proxy(from('/api/checkout'))))
    expect(answers.filter((r) => r?.status === 429)).toHaveLength(1)
  })
})
