import { createStripeCredits } from '@metered/stripe'
import Stripe from 'stripe'
import { ledger } from './stores'

export const stripeCredits = createStripeCredits({
  stripe: new Stripe('sk_test_docs'),
  ledger,
  unitsPerCredit: 1000,
  packs: [{ id: 'pack-1', credits: 1_000, unitAmount: 100, currency: 'usd' }],
  webhookSecret: 'whsec_docs',
  successUrl: 'http://localhost:3000/checkout/success?session_id={CHECKOUT_SESSION_ID}',
  cancelUrl: 'http://localhost:3000/checkout/cancel',
})
