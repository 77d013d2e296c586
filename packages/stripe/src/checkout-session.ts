import { NotFoundError } from '@metered/core'
import type { StripeCreditsConfig } from './config.js'
import { stripeIdempotencyKey } from './idempotency-key.js'
import { META_ACCOUNT } from './keys.js'
import type { StripeCheckoutSession } from './stripe-client.js'
import { mapStripeError } from './stripe-errors.js'

/** Where to send the browser: what `checkout` and `subscribe` return. */
export interface CheckoutResult {
  /** Redirect the browser here (HTTP 303 from a route handler, or `location.assign`). */
  url: string
  sessionId: string
}

/** One Checkout Session to open: what packs (`payment`) and plans (`subscription`) differ in. */
export interface SessionRequest {
  mode: 'payment' | 'subscription'
  /** Validated input: who buys, on which customer, under which retry key. */
  account: string
  customerId?: string | undefined
  customerEmail?: string | undefined
  idempotencyKey?: string | undefined
  /** The pack or plan id sold; scopes the Stripe idempotency key with `scope`. */
  itemId: string
  scope: 'metered:checkout' | 'metered:subscribe'
  lineItem: Record<string, unknown>
  /** Read by the webhook: the account and the pack or plan. */
  metadata: Record<string, string>
  /** `payment_intent_data` or `subscription_data`: the object Stripe creates from the session. */
  carried: Record<string, unknown>
}

/**
 * Creates the Checkout Session. The account rides as `client_reference_id` and in the metadata of
 * the session and of the object it creates, so every later event names it; the Stripe idempotency
 * key is scoped to the account and item, so a retried request returns the same session.
 */
export async function openCheckoutSession(config: StripeCreditsConfig, r: SessionRequest): Promise<CheckoutResult> {
  const customer = r.customerId ?? (await customerFor(config, r.account, r.customerEmail))
  const params = {
    mode: r.mode,
    line_items: [r.lineItem],
    client_reference_id: r.account,
    metadata: r.metadata,
    ...r.carried,
    success_url: config.successUrl,
    cancel_url: config.cancelUrl,
    ...(customer ? { customer } : r.customerEmail ? { customer_email: r.customerEmail } : {}),
  }
  const idempotencyKey = await stripeIdempotencyKey(
    r.scope,
    r.account,
    r.itemId,
    r.idempotencyKey ?? crypto.randomUUID(),
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

/** The account's Stripe customer from the store, created (once, even under concurrent checkouts) if missing. */
async function customerFor(
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
