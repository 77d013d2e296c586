import { NotFoundError, ValidationError } from '@metered/core'
import { accountSchema, keySchema, parse } from '@metered/core/adapter'
import * as z from 'zod/mini'
import type { StripeCreditsConfig } from './config.js'
import { stripeIdempotencyKey } from './idempotency-key.js'
import { META_ACCOUNT, META_PACK } from './keys.js'
import type { NormalizedPack } from './packs.js'
import type { StripeCheckoutSession } from './stripe-client.js'
import { mapStripeError } from './stripe-errors.js'

/** What `credits.checkout` takes: who buys, and which pack. */
export interface CheckoutInput {
  /** Who gets the credits: the signed-in user's id (or org id). Never take it from the browser. */
  account: string
  /** The only thing the browser chooses: a pack id from the catalog. */
  packId: string
  /** Prefills Checkout's email field (and the customer created for the account). */
  customerEmail?: string | undefined
  /** An existing Stripe customer to charge; overrides the `customers` store. */
  customerId?: string | undefined
  /**
   * Makes a retried request return the same session instead of creating another. Pass one
   * generated when the buy page rendered to absorb double submits; it is scoped to the account
   * and pack. Default: a fresh key per call, which still covers the SDK's own network retries.
   */
  idempotencyKey?: string | undefined
}

/** What `credits.checkout` returns: where to send the browser. */
export interface CheckoutResult {
  /** Redirect the browser here (HTTP 303 from a route handler, or `location.assign`). */
  url: string
  sessionId: string
}

const checkoutInputSchema = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    account: accountSchema,
    packId: z.string().check(z.minLength(1), z.maxLength(64)),
    customerEmail: z.optional(z.email().check(z.maxLength(320))),
    customerId: z.optional(z.string().check(z.minLength(1), z.maxLength(255))),
    idempotencyKey: z.optional(keySchema),
  }),
)

export async function createCheckout(config: StripeCreditsConfig, input: CheckoutInput): Promise<CheckoutResult> {
  const v = parse(checkoutInputSchema, input, 'checkout')
  const pack = config.catalog.get(v.packId)
  if (!pack?.active) {
    throw new ValidationError([{ path: 'packId', message: `unknown pack "${v.packId}"` }], 'checkout')
  }

  const customer = v.customerId ?? (await customerFor(config, v.account, v.customerEmail))
  // Metadata goes on the session (read by the webhook) and on the PaymentIntent, so that a refund
  // or dispute seen in the dashboard, or in a charge event, still names the account and pack.
  const metadata = { [META_ACCOUNT]: v.account, [META_PACK]: pack.id }
  const params = {
    mode: 'payment',
    line_items: [lineItem(pack)],
    client_reference_id: v.account,
    metadata,
    // With auto top-up the card is kept on the customer for later off-session charges.
    payment_intent_data: config.autoTopUp ? { metadata, setup_future_usage: 'off_session' } : { metadata },
    success_url: config.successUrl,
    cancel_url: config.cancelUrl,
    ...(customer ? { customer } : v.customerEmail ? { customer_email: v.customerEmail } : {}),
  }
  const idempotencyKey = await stripeIdempotencyKey(
    'metered:checkout',
    v.account,
    pack.id,
    v.idempotencyKey ?? crypto.randomUUID(),
  )

  let session: StripeCheckoutSession
  try {
    session = await config.stripe.checkout.sessions.create(params, { idempotencyKey })
  } catch (err) {
    throw mapStripeError(err, 'checkout session')
  }
  if (!session.url) throw new NotFoundError('Checkout URL of the new session')
  return { url: session.url, sessionId: session.id }
}

function lineItem(pack: NormalizedPack) {
  if (pack.price) return { price: pack.price, quantity: 1 }
  return {
    quantity: 1,
    price_data: {
      currency: pack.currency,
      unit_amount: pack.unitAmount,
      product_data: { name: pack.name, ...(pack.description ? { description: pack.description } : {}) },
    },
  }
}

/** The account's Stripe customer from the store, created (once, even under concurrent checkouts) if missing. */
export async function customerFor(
  config: StripeCreditsConfig,
  account: string,
  email: string | undefined,
): Promise<string | null> {
  if (!config.customers) return null
  const known = await config.customers.get(account)
  if (known) return known
  let created: { id: string }
  try {
    // Keyed by account and email (Stripe refuses a key reused with other parameters), so two
    // first purchases racing each other get the same customer back.
    created = await config.stripe.customers.create(
      { ...(email ? { email } : {}), metadata: { [META_ACCOUNT]: account } },
      { idempotencyKey: await stripeIdempotencyKey('metered:customer', account, email ?? '-') },
    )
  } catch (err) {
    throw mapStripeError(err, 'customer')
  }
  await config.customers.set(account, created.id)
  return created.id
}
