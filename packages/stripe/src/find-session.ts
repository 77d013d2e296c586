import type { StripeCreditsConfig } from './config.js'
import type { StripeCheckoutSession } from './stripe-client.js'
import { parseSession } from './stripe-objects.js'

/**
 * The Checkout Session that created a PaymentIntent. Refund and dispute events carry only the
 * charge and its PaymentIntent, while the grant is keyed by the session id; Stripe's session
 * list filtered by `payment_intent` is the one lookup that always answers it.
 */
export async function sessionForPaymentIntent(
  config: StripeCreditsConfig,
  paymentIntentId: string,
): Promise<StripeCheckoutSession | null> {
  const page = await config.stripe.checkout.sessions.list({ payment_intent: paymentIntentId, limit: 1 })
  const first = page.data[0]
  return first ? parseSession(first) : null
}
