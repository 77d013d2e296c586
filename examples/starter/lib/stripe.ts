import 'server-only'
import {
  type CreditPlan,
  createDevStripe,
  createStripeCredits,
  type DevStripe,
  type StripeCredits,
  type StripeCreditsClient,
} from '@metered/stripe'
import Stripe from 'stripe'
import { customers, topUps } from './billing-store'
import { appUrl, devCheckoutEnabled, starterPlanPrice, stripeConfigured } from './env'
import { metering } from './metering'
import { packs, plans } from './pricing'

const cache = globalThis as typeof globalThis & { __starterDevStripe?: DevStripe }

/** The dev price ids of the plans, for the development Stripe (there is no dashboard there). */
const devPriceOf = (planId: string) => `price_dev_${planId}`

/**
 * Development only (no Stripe keys, not production): an in-memory Stripe for the few calls used.
 * Its "Pay" produces a `checkout.session.completed` event signed with Stripe's scheme, which the
 * dev checkout page POSTs to /api/webhooks/stripe: the grant goes through the production path.
 * The events Stripe sends by itself (a plan's `invoice.paid`, an automatic top-up's
 * `payment_intent.succeeded`) go to the same webhook handler, signed the same way.
 * Kept on globalThis: its open sessions and saved cards must survive dev reloads.
 */
function developmentStripe(): DevStripe | null {
  if (!devCheckoutEnabled) return null
  cache.__starterDevStripe ??= createDevStripe({
    checkoutUrl: (id) => `${appUrl}/checkout/dev?session_id=${encodeURIComponent(id)}`,
    prices: Object.fromEntries(
      plans.map((p) => [devPriceOf(p.id), { unitAmount: p.unitAmount, currency: p.currency }]),
    ),
    deliver: async (delivery) => {
      const res = await stripeCredits?.webhook(delivery)
      if (res && !res.ok) console.error('[dev stripe] the webhook refused a delivery:', res.status, await res.text())
    },
    // There is no hosted portal in development: the dev page says what Stripe's would offer.
    portalUrl: () => `${appUrl}/billing/dev-portal`,
  })
  return cache.__starterDevStripe
}

export const devStripe = developmentStripe()

function client(): StripeCreditsClient | null {
  if (stripeConfigured) return new Stripe(process.env.STRIPE_SECRET_KEY ?? '')
  if (!devStripe) return null
  // Signatures are checked by the real SDK in development too (no network: it is local crypto).
  return { ...devStripe.client, webhooks: new Stripe('sk_test_development_only').webhooks }
}

/** Each plan's recurring Stripe price, from the environment. */
const livePrices: Record<string, string | undefined> = { starter: starterPlanPrice }

/**
 * The plans on sale: with Stripe keys, each needs its recurring price id (STRIPE_PRICE_STARTER);
 * a plan without one is not offered. In development, the dev price.
 */
function planCatalog(): CreditPlan[] {
  const price = (id: string) => (stripeConfigured ? livePrices[id] : devPriceOf(id))
  return plans.flatMap((p) => {
    const id = price(p.id)
    return id ? [{ ...p, price: id }] : []
  })
}

const stripe = client()
/** The Stripe client itself (real or development), for what `stripeCredits` does not read for us. */
export const stripeClient = stripe
const planList = planCatalog()

/** Packs, plans and automatic top-up through Stripe; null in production without Stripe keys (503). */
export const stripeCredits: StripeCredits | null = stripe
  ? createStripeCredits({
      stripe,
      metered: metering,
      packs,
      ...(planList.length > 0 ? { plans: planList } : {}),
      customers,
      // Off-session charges of the card saved at checkout, at most 3 a month per account.
      autoTopUp: { store: topUps, maxPerPeriod: 3, period: '30 d' },
      webhookSecret: stripeConfigured ? (process.env.STRIPE_WEBHOOK_SECRET ?? '') : (devStripe?.webhookSecret ?? ''),
      successUrl: `${appUrl}/checkout/success?session_id={CHECKOUT_SESSION_ID}`,
      cancelUrl: `${appUrl}/checkout/cancel`,
      portalReturnUrl: `${appUrl}/billing`,
    })
  : null
