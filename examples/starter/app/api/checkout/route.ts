import { isMeteredError } from '@metered/core'
import { type CheckoutBody, jsonResponse } from '@metered/core/http'
import { errorProblem, invalidInput, problem } from '@metered/next'
import { z } from 'zod'
import { metered } from '@/lib/metered'
import { checkoutRateLimit } from '@/lib/route-limits'
import { stripeCredits } from '@/lib/stripe'

export const runtime = 'nodejs'

const body = z.object({ packId: z.string().min(1).max(64) })

/**
 * POST { packId } -> { url }: a Checkout Session for one pack of the server's catalog, for the
 * signed-in user (401 otherwise). The client sends only the pack id: price and credits are ours.
 * Limited on a counter of its own: running out of chat turns never blocks buying credits.
 */
export const POST = metered.withRateLimit(checkoutRateLimit, async (req, ctx) => {
  if (!stripeCredits) {
    return problem('store_unavailable', {
      detail: 'Payments are not configured: set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET.',
    })
  }
  const parsed = body.safeParse(await req.json().catch(() => null))
  if (!parsed.success) return invalidInput(parsed.error.issues)
  try {
    const user = ctx.user
    const { url } = await stripeCredits.checkout({
      account: ctx.account,
      packId: parsed.data.packId,
      ...(user.email ? { customerEmail: user.email } : {}),
    })
    return jsonResponse<CheckoutBody>({ url })
  } catch (error) {
    if (isMeteredError(error) && error.code === 'validation_error') {
      return invalidInput([{ path: 'packId', message: 'is not a pack we sell' }])
    }
    return errorProblem(error, { onError: (e) => console.error('[checkout]', e) })
  }
})
