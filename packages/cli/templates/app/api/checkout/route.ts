// @metered-generated: written by `metered init`. It is yours: once you edit it, init never touches it again.
import { invalidInput, problem } from '@metered/next'
import { metered } from '@/lib/metered'
import { stripeCredits } from '@/lib/metered-stripe'

/**
 * POST { packId } -> { url } of a Stripe Checkout Session for the signed-in user (401 otherwise).
 * Limited on a counter of its own, so running out of metered calls never blocks buying credits.
 */
export const POST = metered.withRateLimit(
  { limit: (_req, user) => `checkout:${user.id}`, limitRules: ['minute'], creditsHeader: false },
  async (req, ctx) => {
    if (!stripeCredits) return problem('store_unavailable', { detail: 'Payments are not configured.' })
    const body: unknown = await req.json().catch(() => null)
    const packId = (body as { packId?: unknown } | null)?.packId
    if (typeof packId !== 'string' || !stripeCredits.packs.some((p) => p.id === packId)) {
      return invalidInput([{ path: 'packId', message: 'is not a pack we sell' }])
    }
    const { url } = await stripeCredits.checkout({
      account: ctx.account,
      packId,
      ...(ctx.user.email ? { customerEmail: ctx.user.email } : {}),
    })
    return Response.json({ url })
  },
)
