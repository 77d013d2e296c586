import { NotFoundError } from '@metered/core'
import { accountSchema, parse } from '@metered/core/adapter'
import * as z from 'zod/mini'
import type { StripeCreditsConfig } from './config.js'
import { mapStripeError } from './stripe-errors.js'

/** Input of `portal`: the account whose own customer portal opens. */
export interface PortalInput {
  /** The signed-in user's account: the portal opens on this account's Stripe customer only. */
  account: string
}

/** The customer portal session to redirect to. */
export interface PortalResult {
  /** Redirect the browser here; the link is single-use and short-lived. */
  url: string
}

const portalInputSchema = /* @__PURE__ */ z.lazy(() => z.strictObject({ account: accountSchema }))

/**
 * A Stripe customer portal link for the account's own customer, where the buyer changes or
 * cancels the plan and updates the card. The customer comes from the `customers` store, never
 * from the request, so one account can never open another's portal.
 * @throws NotFoundError when the account has no Stripe customer yet (answer 404)
 */
export async function createPortalLink(config: StripeCreditsConfig, input: PortalInput): Promise<PortalResult> {
  const v = parse(portalInputSchema, input, 'portal')
  const customer = await config.customers?.get(v.account)
  if (!customer) throw new NotFoundError('Stripe customer of this account')
  const portal = config.stripe.billingPortal
  if (!portal) throw new TypeError('the Stripe client has no billingPortal.sessions.create')
  try {
    const session = await portal.sessions.create({ customer, return_url: config.portalReturnUrl })
    return { url: session.url }
  } catch (err) {
    throw mapStripeError(err, 'customer portal session')
  }
}
