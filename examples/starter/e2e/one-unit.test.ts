import { createMemoryStores, createMetered, type Ledger } from '@metered/core'
import { createMeteredNext, meteredAuth } from '@metered/next'
import { createDevStripe, createStripeCredits } from '@metered/stripe'
import Stripe from 'stripe'
import { describe, expect, test } from 'vitest'

// The credit unit is configured once, on the metered instance; Stripe, the auth glue, the routes,
// the headers and the usage export all read it from there. Each case lists the exact values
// every part must produce for that unit (nothing below recomputes them with the code under test).
const cases = [
  {
    unitsPerCredit: 1000,
    signup: { credits: 2.5, units: 2500 },
    pack: { credits: 10, bonus: 2, units: 12_000 },
    grant: { credits: 1.25, units: 1250, refused: 0.0004 },
    price: { credits: 0.39, units: 390 },
    after: { units: 15_360, credits: 15.36, header: '15.36' },
    exported: 0.39,
  },
  {
    unitsPerCredit: 7,
    signup: { credits: 3, units: 21 },
    pack: { credits: 10, bonus: 2, units: 84 },
    // half a credit is 3.5 units: refused when typed, rounded up when it is a price
    grant: { credits: 2, units: 14, refused: 0.5 },
    price: { credits: 0.5, units: 4 },
    after: { units: 115, credits: 115 / 7, header: '16.428571' },
    exported: 4 / 7,
  },
]

const ctx = { params: Promise.resolve({}) }
/** A catch-all route's context, as Next passes it. */
const route = (path: string) => ({ params: Promise.resolve({ route: path.split('/') }) })
const at = (user: string, path: string, init: RequestInit = {}) =>
  new Request(`http://localhost${path}`, { ...init, headers: { 'x-user': user, 'content-type': 'application/json' } })

async function units(ledger: Ledger, account: string) {
  return (await ledger.balance(account)).available
}

describe.each(cases)('one unit everywhere: unitsPerCredit $unitsPerCredit', (c) => {
  test('signup credits, a Stripe pack, an admin grant, a priced call, the balance body and header, the export', async () => {
    const stores = createMemoryStores()
    const core = createMetered({ ...stores, unitsPerCredit: c.unitsPerCredit })
    const metered = createMeteredNext({
      metered: core,
      identify: (req) => {
        const id = req.headers.get('x-user')
        return id ? { id } : null
      },
      after: () => {},
    })
    const account = 'usr_alice'

    // Auth glue: the signup bonus, in the instance's unit.
    const auth = meteredAuth({ metered, signupCredits: c.signup.credits, getRequestInfo: () => null })
    await auth.events.signIn({ user: { id: account, email: 'alice@example.com' }, account: { provider: 'google' } })
    expect(await units(stores.ledger, account)).toBe(c.signup.units)

    // Stripe: a pack of credits + bonus, granted by the verified webhook.
    const dev = createDevStripe({ checkoutUrl: (id) => `http://localhost/checkout/dev?session_id=${id}` })
    const stripeCredits = createStripeCredits({
      metered,
      stripe: { ...dev.client, webhooks: new Stripe('sk_test_signature_only').webhooks },
      webhookSecret: dev.webhookSecret,
      packs: [{ id: 'pack', credits: c.pack.credits, bonus: c.pack.bonus, unitAmount: 100, currency: 'usd' }],
      successUrl: 'http://localhost/checkout/success?session_id={CHECKOUT_SESSION_ID}',
      cancelUrl: 'http://localhost/checkout/cancel',
    })
    const { sessionId } = await stripeCredits.checkout({ account, packId: 'pack' })
    const paid = await stripeCredits.webhook(await dev.pay(sessionId))
    expect(await paid.json()).toMatchObject({ outcome: 'granted' })
    expect(await units(stores.ledger, account)).toBe(c.signup.units + c.pack.units)

    // Admin grant route: credits in, exact units or a 400 for a fraction of a unit.
    await stores.users.upsert({ id: 'boss', role: 'admin' })
    const routes = metered.creditRoutes()
    const grant = (credits: number, key: string) =>
      routes.POST(
        at('boss', '/api/credits/grant', {
          method: 'POST',
          body: JSON.stringify({ account, credits, reason: 'support', idempotencyKey: key }),
        }),
        route('grant'),
      )
    expect((await grant(c.grant.refused, 'bad')).status).toBe(400)
    expect((await grant(c.grant.credits, 'ok')).status).toBe(200)
    const beforeCall = c.signup.units + c.pack.units + c.grant.units
    expect(await units(stores.ledger, account)).toBe(beforeCall)

    // A priced call: the price in credits, charged in units (rounded up), the header in credits.
    const call = metered.withCredits({ feature: 'chat', price: c.price.credits }, async () => Response.json({}))
    const res = await call(at(account, '/api/chat', { method: 'POST', body: '{}' }), ctx)
    expect(res.status).toBe(200)
    expect(res.headers.get('credits-remaining')).toBe(c.after.header)
    expect(await units(stores.ledger, account)).toBe(c.after.units)

    // The balance route and the layout's read: one body, in credits; the header as above.
    const balance = await routes.GET(at(account, '/api/credits/balance'), route('balance'))
    const body = await balance.json()
    expect(body).toMatchObject({ account, available: c.after.credits, held: 0, unitsPerCredit: c.unitsPerCredit })
    expect(balance.headers.get('credits-remaining')).toBe(c.after.header)
    expect(await metered.balance(account)).toEqual(body)
    expect(metered.credits.format(c.after.units)).toBe(c.after.header)

    // Usage export (admin route): amounts in the same credits.
    const exported = await metered
      .adminRoutes()
      .GET(
        at('boss', `/api/admin/usage/export?account=${account}&to=${Date.now() + 60_000}&format=ndjson`),
        route('usage/export'),
      )
    expect(exported.status).toBe(200)
    const [event] = (await exported.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(event).toMatchObject({ feature: 'chat', amount: c.exported })
  })
})
