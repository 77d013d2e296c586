// @metered-generated: written by `metered init`. It is yours: once you edit it, init never touches it again.
import { notFound } from '@metered/next'
import { stripeCredits } from '@/lib/metered-stripe'

/**
 * Stripe's webhook: verified, then grants once per Checkout Session (refunds and disputes claw back).
 * The signature covers the raw body, so nothing may read the request before webhook() does.
 */
export async function POST(request: Request): Promise<Response> {
  if (!stripeCredits) return notFound('Payments are not configured.')
  return stripeCredits.webhook(request)
}
