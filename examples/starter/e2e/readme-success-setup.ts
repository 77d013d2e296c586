import { createMemoryLedger, createMetered } from '@metered/core'
import { createDevStripe, createStripeCredits } from '@metered/stripe'

// What the README's success page imports (`auth` from '@/auth', `stripeCredits` from
// '@/lib/credits'): a signed-in user of the test's choosing and real credits over the dev Stripe.
export const signedIn: { id: string | null } = { id: null }

export async function auth(): Promise<{ user?: { id?: string } } | null> {
  return signedIn.id ? { user: { id: signedIn.id } } : null
}

export const dev = createDevStripe({ checkoutUrl: (id) => `http://localhost/checkout/dev?session_id=${id}` })
export const ledger = createMemoryLedger()

export const stripeCredits = createStripeCredits({
  stripe: dev.client,
  webhookSecret: dev.webhookSecret,
  metered: createMetered({ ledger, unitsPerCredit: 1000 }),
  packs: [{ id: 'pack-1', credits: 1_000, unitAmount: 100, currency: 'usd' }],
  successUrl: 'http://localhost/checkout/success?session_id={CHECKOUT_SESSION_ID}',
  cancelUrl: 'http://localhost/checkout/cancel',
  onEvent: () => {},
  onError: () => {},
})
