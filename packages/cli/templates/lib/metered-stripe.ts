// @metered-generated: written by `metered init`. It is yours: once you edit it, init never touches it again.
import { createDevStripe, createStripeCredits, type DevStripe } from '@metered/stripe'
import Stripe from 'stripe'
import { metering } from '@/lib/metered-stores'

/** The app's public origin: Checkout redirects back here. */
const appUrl = (process.env.APP_URL ?? `http://localhost:${process.env.PORT ?? '3000'}`).replace(/\/$/, '')

/** The credit packs for sale: price in cents, credits the buyer gets. Prices are decided here, never by the client. */
const packs = [
  { id: 'pack-5', name: '5,000 credits', unitAmount: 500, currency: 'usd', credits: 5_000 },
  { id: 'pack-20', name: '22,000 credits', unitAmount: 2_000, currency: 'usd', credits: 20_000, bonus: 2_000 },
]

const stripeConfigured = Boolean(process.env.STRIPE_SECRET_KEY && process.env.STRIPE_WEBHOOK_SECRET)

const cache = globalThis as typeof globalThis & { __meteredDevStripe?: DevStripe }

function developmentStripe(): DevStripe | null {
  if (stripeConfigured || process.env.NODE_ENV === 'production') return null
  cache.__meteredDevStripe ??= createDevStripe({
    checkoutUrl: (id) => `${appUrl}/checkout/dev?session_id=${encodeURIComponent(id)}`,
  })
  return cache.__meteredDevStripe
}

/**
 * Without Stripe keys, outside production: an in-memory Stripe whose "Pay" (the /checkout/dev
 * page) produces a signed checkout.session.completed event for the real webhook handler.
 */
export const devStripe = developmentStripe()

function client() {
  if (stripeConfigured) return new Stripe(process.env.STRIPE_SECRET_KEY ?? '')
  // Signatures are checked by the real SDK in development too (local crypto, no network).
  return devStripe ? { ...devStripe.client, webhooks: new Stripe('sk_test_development_only').webhooks } : null
}

const stripe = client()

/** Credit packs sold through Stripe Checkout; null in production without Stripe keys. */
export const stripeCredits = stripe
  ? createStripeCredits({
      stripe,
      metered: metering,
      packs,
      webhookSecret: stripeConfigured ? (process.env.STRIPE_WEBHOOK_SECRET ?? '') : (devStripe?.webhookSecret ?? ''),
      successUrl: `${appUrl}/?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
      cancelUrl: `${appUrl}/?checkout=cancel`,
    })
  : null
