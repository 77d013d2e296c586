import { createMemoryStores, createMetered } from '@metered/core'
import { createDevStripe, createMemoryTopUpStore, createStripeCredits } from '@metered/stripe'
import type { RoutesDeps } from '../src/routes/index.js'

/**
 * Real Stripe credits with automatic top-up over memory stores, for the settings route. The
 * settings paths never call Stripe; the development client stands in for the SDK, with the two
 * top-up methods present (top-up config requires them) and failing if ever called.
 */
export function autoTopUpApp(identify: RoutesDeps['identify']) {
  const metered = createMetered({ ...createMemoryStores(), unitsPerCredit: 1000 })
  const dev = createDevStripe({ checkoutUrl: (id) => `http://localhost/checkout/dev?session_id=${id}` })
  const store = createMemoryTopUpStore()
  const unused = () => Promise.reject(new Error('the settings route never charges'))
  const credits = createStripeCredits({
    metered,
    stripe: { ...dev.client, paymentIntents: { create: unused }, paymentMethods: { list: unused } } as never,
    packs: [
      { id: 'pack-5', credits: 5_000, unitAmount: 500, currency: 'usd', name: '5,000 credits' },
      { id: 'dashboard-only', credits: 10_000, price: 'price_x' },
    ],
    webhookSecret: dev.webhookSecret,
    successUrl: 'http://localhost/ok?session_id={CHECKOUT_SESSION_ID}',
    cancelUrl: 'http://localhost/cancel',
    customers: { get: async () => null, set: async () => {} },
    autoTopUp: { store },
  })
  const topUp = credits.autoTopUp
  if (!topUp) throw new Error('autoTopUp missing')
  const deps: RoutesDeps = { metered, identify, onError: () => {} }
  return { deps, topUp, store }
}
