import { type AutoTopUp, createAutoTopUp } from './auto-top-up/auto-top-up.js'
import { type CheckoutInput, type CheckoutResult, createCheckout } from './checkout.js'
import { type CheckoutStatus, checkoutStatus } from './checkout-status.js'
import { normalizeOptions, type StripeCreditsOptions } from './config.js'
import { type PublicPack, publicPack } from './packs.js'
import { createPlanCheckout, type SubscribeInput } from './plan-checkout.js'
import { createPortalLink, type PortalInput, type PortalResult } from './plan-portal.js'
import { type PublicPlan, publicPlan } from './plans.js'
import { handleWebhook } from './webhook.js'

/** What `createStripeCredits` returns: the packs, checkout, the webhook handler and the success page's status. */
export interface StripeCredits {
  /** Active packs for the pricing page: ids, names, credits and prices, nothing secret. */
  readonly packs: readonly PublicPack[]
  /**
   * Creates a Checkout Session for a pack of the catalog.
   * @throws ValidationError for an unknown pack or bad input (answer 400)
   * @throws StoreUnavailableError when Stripe is down or throttling (answer 503)
   */
  checkout(input: CheckoutInput): Promise<CheckoutResult>
  /** Active plans for the pricing page (empty without the `plans` option). */
  readonly plans: readonly PublicPlan[]
  /**
   * Creates a Checkout Session in subscription mode for a plan of the catalog. The credits come
   * with each paid invoice, from the webhook.
   * @throws ValidationError for an unknown plan or bad input (answer 400)
   * @throws StoreUnavailableError when Stripe is down or throttling (answer 503)
   */
  subscribe(input: SubscribeInput): Promise<CheckoutResult>
  /**
   * A customer portal link for the account's own Stripe customer (change or cancel the plan,
   * update the card). Needs the `customers` store.
   * @throws NotFoundError when the account has no Stripe customer yet (answer 404)
   * @throws StoreUnavailableError when Stripe is down (answer 503)
   */
  portal(input: PortalInput): Promise<PortalResult>
  /** The webhook endpoint: `export const POST = (req: Request) => credits.webhook(req)`. */
  webhook(request: Request): Promise<Response>
  /**
   * Status of a session for the success page; never grants. A session that does not exist or
   * belongs to another account is `{ status: 'not_found' }` (the same answer for both).
   * @throws ValidationError for a malformed session id (answer 400, or show "not found")
   * @throws StoreUnavailableError when Stripe is down (answer 503)
   */
  getCheckoutStatus(sessionId: string, options: { account: string }): Promise<CheckoutStatus>
  /** Automatic top-up (`check`, `settings`, `configure`), or null without the `autoTopUp` option. */
  readonly autoTopUp: AutoTopUp | null
}

/**
 * Credit packs sold through Stripe Checkout, granted by verified webhooks exactly once.
 *
 * @example
 * const credits = createStripeCredits({
 *   metered, // createMetered(...) or createMeteredNext(...): its ledger and credit unit
 *   stripe: new Stripe(process.env.STRIPE_SECRET_KEY!),
 *   packs: [{ id: 'pack-1', credits: 1_000, unitAmount: 100, currency: 'usd' }],
 *   webhookSecret: process.env.STRIPE_WEBHOOK_SECRET!,
 *   successUrl: 'https://example.com/checkout/success?session_id={CHECKOUT_SESSION_ID}',
 *   cancelUrl: 'https://example.com/checkout/cancel',
 * })
 */
export function createStripeCredits(options: StripeCreditsOptions): StripeCredits {
  const config = normalizeOptions(options)
  const packs = Object.freeze([...config.catalog.values()].filter((p) => p.active).map(publicPack))
  const plans = Object.freeze([...(config.plans?.byId.values() ?? [])].filter((p) => p.active).map(publicPlan))
  return {
    packs,
    plans,
    checkout: (input) => createCheckout(config, input),
    subscribe: (input) => createPlanCheckout(config, input),
    portal: (input) => createPortalLink(config, input),
    webhook: (request) => handleWebhook(config, request),
    getCheckoutStatus: (sessionId, opts) => checkoutStatus(config, sessionId, opts),
    autoTopUp: config.autoTopUp ? createAutoTopUp(config) : null,
  }
}
