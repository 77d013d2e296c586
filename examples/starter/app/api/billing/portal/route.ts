import { jsonResponse } from '@metered/core/http'
import { errorProblem, problem } from '@metered/next'
import { metered } from '@/lib/metered'
import { checkoutRateLimit } from '@/lib/route-limits'
import { stripeCredits } from '@/lib/stripe'

export const runtime = 'nodejs'

/**
 * POST -> { url }: the Stripe customer portal of the signed-in account's own customer (change or
 * cancel the plan, update the card). 404 before the account's first checkout (no customer yet).
 */
export const POST = metered.withRateLimit(checkoutRateLimit, async (_req, ctx) => {
  if (!stripeCredits) return problem('store_unavailable', { detail: 'Payments are not configured.' })
  try {
    return jsonResponse<{ url: string }>(await stripeCredits.portal({ account: ctx.account }))
  } catch (error) {
    // NotFoundError (no customer yet) is a 404 problem; Stripe down a 503.
    return errorProblem(error, { onError: (e) => console.error('[portal]', e) })
  }
})
