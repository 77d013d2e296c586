import { isMeteredError } from '@metered/core'
import { type CheckoutBody, jsonResponse } from '@metered/core/http'
import { errorProblem, invalidInput, problem } from '@metered/next'
import { z } from 'zod'
import { metered } from '@/lib/metered'
import { checkoutRateLimit } from '@/lib/route-limits'
import { stripeCredits } from '@/lib/stripe'

export const runtime = 'nodejs'

const body = z.object({ planId: z.string().min(1).max(64) })

/**
 * POST { planId } -> { url }: a Checkout Session in subscription mode for one plan of the server's
 * catalog, for the signed-in user. The credits come with each paid invoice, from the webhook.
 * Limited like /api/checkout, on the same counter of its own.
 */
export const POST = metered.withRateLimit(checkoutRateLimit, async (req, ctx) => {
  if (!stripeCredits || stripeCredits.plans.length === 0) {
    return problem('store_unavailable', { detail: 'Plans are not configured: set STRIPE_PRICE_STARTER.' })
  }
  const parsed = body.safeParse(await req.json().catch(() => null))
  if (!parsed.success) return invalidInput(parsed.error.issues)
  try {
    const { url } = await stripeCredits.subscribe({
      account: ctx.account,
      planId: parsed.data.planId,
      ...(ctx.user.email ? { customerEmail: ctx.user.email } : {}),
    })
    return jsonResponse<CheckoutBody>({ url })
  } catch (error) {
    if (isMeteredError(error) && error.code === 'validation_error') {
      return invalidInput([{ path: 'planId', message: 'is not a plan we sell' }])
    }
    return errorProblem(error, { onError: (e) => console.error('[subscribe]', e) })
  }
})
