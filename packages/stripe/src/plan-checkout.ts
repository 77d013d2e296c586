import { ValidationError } from '@metered/core'
import { accountSchema, keySchema, parse } from '@metered/core/adapter'
import * as z from 'zod/mini'
import { type CheckoutResult, openCheckoutSession } from './checkout-session.js'
import type { StripeCreditsConfig } from './config.js'
import { META_ACCOUNT } from './keys.js'
import { META_PLAN } from './plan-keys.js'

/** Input of `subscribe`: whose subscription, which plan of the server catalog. */
export interface SubscribeInput {
  /** Who gets the plan's credits: the signed-in user's id (or org id). Never take it from the browser. */
  account: string
  /** The only thing the browser chooses: a plan id from the catalog. */
  planId: string
  /** Prefills Checkout's email field. */
  customerEmail?: string | undefined
  /** An existing Stripe customer to subscribe; overrides the `customers` store. */
  customerId?: string | undefined
  /** Makes a retried request return the same session (see `CheckoutInput.idempotencyKey`). */
  idempotencyKey?: string | undefined
}

const subscribeInputSchema = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    account: accountSchema,
    planId: z.string().check(z.minLength(1), z.maxLength(64)),
    customerEmail: z.optional(z.email().check(z.maxLength(320))),
    customerId: z.optional(z.string().check(z.minLength(1), z.maxLength(255))),
    idempotencyKey: z.optional(keySchema),
  }),
)

/**
 * A Checkout Session in subscription mode for a plan of the catalog. The account and plan go on
 * the subscription's metadata, which Stripe copies onto every invoice of the subscription: the
 * webhook grants from `invoice.paid` alone, so it does not matter whether the invoice or the
 * session's completion arrives first.
 */
export async function createPlanCheckout(config: StripeCreditsConfig, input: SubscribeInput): Promise<CheckoutResult> {
  const v = parse(subscribeInputSchema, input, 'subscribe')
  const plan = config.plans?.byId.get(v.planId)
  if (!plan?.active) {
    throw new ValidationError([{ path: 'planId', message: `unknown plan "${v.planId}"` }], 'subscribe')
  }
  const metadata = { [META_ACCOUNT]: v.account, [META_PLAN]: plan.id }
  return openCheckoutSession(config, {
    ...v,
    mode: 'subscription',
    itemId: plan.id,
    scope: 'metered:subscribe',
    lineItem: { price: plan.price, quantity: 1 },
    metadata,
    carried: { subscription_data: { metadata } },
  })
}
