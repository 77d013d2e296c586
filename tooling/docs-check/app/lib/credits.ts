import { createStripeCredits } from '@metered/stripe'
import Stripe from 'stripe'
import { metering } from './metering'

export const stripeCredits = createStripeCredits({
  stripe: new Stripe('sk_test_docs'),
  metered: metering,
  packs: [{ id: 'pack-1', credits: 1_000, unitAmount: 100, currency: 'usd' }],
  webhookSecret: 'whsec_docs',
  successUrl: 'http://localhost:3000/checkout/success?session_id={CHECKOUT_SESSION_ID}',
  cancelUrl: 'http://localhost:3000/checkout/cancel',
})
