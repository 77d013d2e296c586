import { problem } from '@metered/next'
import { stripeCredits } from '@/lib/stripe'

// The signature covers the raw body: Node runtime, body untouched until webhook() reads it.
export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

/** Stripe's webhook: verified, then grants once per Checkout Session (refunds/disputes claw back). */
export async function POST(request: Request): Promise<Response> {
  if (!stripeCredits) return problem('not_found', { detail: 'Payments are not configured.' })
  return stripeCredits.webhook(request)
}
