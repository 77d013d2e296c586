import { notFound, unauthenticated } from '@metered/next'
import { META_ACCOUNT } from '@metered/stripe'
import { currentUser } from '@/lib/metered'
import { devStripe } from '@/lib/stripe'

export const runtime = 'nodejs'

/**
 * Development checkout only (404 in production or with Stripe keys): the buyer "pays" a session
 * of the in-memory Stripe. Answers the signed `checkout.session.completed` delivery, which the
 * dev checkout page POSTs to /api/webhooks/stripe exactly as Stripe would; the credits are
 * granted there, by the verified webhook, never here.
 */
export async function POST(request: Request): Promise<Response> {
  if (!devStripe) return notFound()
  const user = await currentUser()
  if (!user) return unauthenticated()
  const { sessionId } = ((await request.json().catch(() => ({}))) ?? {}) as { sessionId?: unknown }
  const session = typeof sessionId === 'string' ? devStripe.session(sessionId) : undefined
  if (!session || session.metadata?.[META_ACCOUNT] !== user.id) return notFound('No such checkout session.')
  const delivery = await devStripe.pay(session.id)
  return Response.json({
    webhook: {
      url: '/api/webhooks/stripe',
      signature: delivery.headers.get('stripe-signature'),
      payload: await delivery.text(),
    },
  })
}
