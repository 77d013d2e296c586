import { ValidationError } from '@metered/core'
import { accountSchema, keySchema, parse } from '@metered/core/adapter'
import * as z from 'zod/mini'
import { type CheckoutResult, openCheckoutSession } from './checkout-session.js'
import type { StripeCreditsConfig } from './config.js'
import { META_ACCOUNT, META_PACK } from './keys.js'
import type { NormalizedPack } from './packs.js'

export type { CheckoutResult }

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

  // Metadata goes on the session (read by the webhook) and on the PaymentIntent, so that a refund
  // or dispute seen in the dashboard, or in a charge event, still names the account and pack.
  const metadata = { [META_ACCOUNT]: v.account, [META_PACK]: pack.id }
  return openCheckoutSession(config, {
    ...v,
    mode: 'payment',
    itemId: pack.id,
    scope: 'metered:checkout',
    lineItem: lineItem(pack),
    metadata,
    // With auto top-up the card is kept on the customer for later off-session charges.
    carried: {
      payment_intent_data: config.autoTopUp ? { metadata, setup_future_usage: 'off_session' } : { metadata },
    },
  })
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
