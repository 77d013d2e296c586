import { createMemoryStores, createMetered } from '@metered/core'
import { createDevStripe, createStripeCredits } from '@metered/stripe'
import Stripe from 'stripe'

// The README's development set-up, unchanged: the in-memory Stripe whenever no key is set. A CI
// build has no keys, so `next build` evaluates this with NODE_ENV=production.
const dev = process.env.STRIPE_SECRET_KEY
  ? null
  : createDevStripe({ checkoutUrl: (id) => `${process.env.APP_URL}/checkout/dev?session_id=${id}` })

export const stripeCredits = createStripeCredits({
  stripe: dev?.client ?? new Stripe(process.env.STRIPE_SECRET_KEY),
  webhookSecret: dev?.webhookSecret ?? process.env.STRIPE_WEBHOOK_SECRET,
  metered: createMetered({ ...createMemoryStores(), unitsPerCredit: 1000 }),
  packs: [{ id: 'pack-1', credits: 1_000, unitAmount: 100, currency: 'usd' }],
  successUrl: `${process.env.APP_URL}/checkout/success?session_id={CHECKOUT_SESSION_ID}`,
  cancelUrl: `${process.env.APP_URL}/checkout/cancel`,
})
