import { META_PACK, META_PLAN } from '@metered/stripe'
import { notFound, redirect } from 'next/navigation'
import { DevPayButton } from '@/components/dev-pay-button'
import { currentUser } from '@/lib/metered'
import { devStripe, stripeCredits } from '@/lib/stripe'

/** The development stand-in for Stripe's hosted Checkout page. Never available in production. */
export default async function DevCheckoutPage({ searchParams }: { searchParams: Promise<{ session_id?: string }> }) {
  if (!devStripe) notFound()
  const { session_id: sessionId } = await searchParams
  const user = await currentUser()
  if (!user) redirect('/signin?callbackUrl=/buy-credits')
  const session = sessionId ? devStripe.session(sessionId) : undefined
  if (!session) notFound()
  const pack = stripeCredits?.packs.find((p) => p.id === session.metadata?.[META_PACK])
  const plan = stripeCredits?.plans.find((p) => p.id === session.metadata?.[META_PLAN])
  const what = plan
    ? `${plan.name}: ${plan.credits.toLocaleString('en-US')} credits / ${plan.interval}`
    : pack
      ? `${(pack.credits + pack.bonus).toLocaleString('en-US')} credits`
      : 'Credit pack'
  const amount = new Intl.NumberFormat('en-US', { style: 'currency', currency: session.currency ?? 'usd' }).format(
    (session.amount_total ?? 0) / 100,
  )
  return (
    <>
      <h1>Checkout (development)</h1>
      <div className="card stack">
        <p className="notice">
          This page stands in for Stripe Checkout because no Stripe keys are set. Paying here charges nothing: it makes
          the in-memory Stripe send a signed <code>checkout.session.completed</code> webhook to{' '}
          <code>/api/webhooks/stripe</code>, which grants the credits exactly as in production (a plan's come with its
          first <code>invoice.paid</code>). The card is kept for automatic top-up.
        </p>
        <p>
          <strong>{what}</strong> for <strong>{amount}</strong>
          {plan && ` a ${plan.interval}`}
        </p>
        {session.payment_status === 'paid' ? (
          <p>This session is already paid.</p>
        ) : (
          <DevPayButton sessionId={session.id} />
        )}
        <p>
          <a href="/checkout/cancel">Cancel</a>
        </p>
      </div>
    </>
  )
}
