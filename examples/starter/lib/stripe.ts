import 'server-only'
import { createDevStripe, createStripeCredits, type DevStripe, type StripeCredits } from '@metered/stripe'
import Stripe from 'stripe'
import { appUrl, devCheckoutEnabled, stripeConfigured } from './env'
import { metering } from './metering'
import { packs } from './pricing'

const cache = globalThis as typeof globalThis & { __starterDevStripe?: DevStripe }

/**
 * Development only (no Stripe keys, not production): an in-memory Stripe for the few calls used.
 * Its "Pay" produces a `checkout.session.completed` event signed with Stripe's scheme, which the
 * dev checkout page POSTs to /api/webhooks/stripe: the grant goes through the production path.
 * Kept on globalThis: its open sessions must survive dev reloads.
 */
function developmentStripe(): DevStripe | null {
  if (!devCheckoutEnabled) return null
  cache.__starterDevStripe ??= createDevStripe({
    checkoutUrl: (id) => `${appUrl}/checkout/dev?session_id=${encodeURIComponent(id)}`,
  })
  return cache.__starterDevStripe
}

export const devStripe = developmentStripe()

function client() {
  if (stripeConfigured) return new Stripe(process.env.STRIPE_SECRET_KEY ?? '')
  if (!devStripe) return null
  // Signatures are checked by the real SDK in development too (no network: it is local crypto).
  return { ...devStripe.client, webhooks: new Stripe('sk_test_development_only').webhooks }
}

const stripe = client()

/** Credit packs sold through Checkout; null in production without Stripe keys (checkout answers 503). */
export const stripeCredits: StripeCredits | null = stripe
  ? createStripeCredits({
      stripe,
      metered: metering,
      packs,
      webhookSecret: stripeConfigured ? (process.env.STRIPE_WEBHOOK_SECRET ?? '') : (devStripe?.webhookSecret ?? ''),
      successUrl: `${appUrl}/checkout/success?session_id={CHECKOUT_SESSION_ID}`,
      cancelUrl: `${appUrl}/checkout/cancel`,
    })
  : null
