// @metered-generated: written by `metered init`. It is yours: once you edit it, init never touches it again.
import { META_ACCOUNT } from '@metered/stripe'
import { notFound, redirect } from 'next/navigation'
import { Suspense } from 'react'
import { currentIdentity } from '@/lib/metered'
import { devStripe, stripeCredits } from '@/lib/metered-stripe'

/**
 * Development stand-in for Stripe's hosted Checkout (no Stripe keys; never in production). "Pay"
 * hands a signed checkout.session.completed event to the same webhook handler Stripe calls, so
 * the credits are granted by the production path.
 */
export default function DevCheckoutPage({ searchParams }: { searchParams: Promise<{ session_id?: string }> }) {
  // Request data (the query, the session cookie) is read inside Suspense: cacheComponents requires it.
  return (
    <Suspense fallback={null}>
      <DevCheckout searchParams={searchParams} />
    </Suspense>
  )
}

/** "Pay": re-checks that the session is the caller's, then delivers the signed event to the webhook handler. */
async function pay(form: FormData) {
  'use server'
  const sessionId = String(form.get('session_id') ?? '')
  const payer = await currentIdentity()
  const open = devStripe?.session(sessionId)
  if (!devStripe || !stripeCredits || !payer || open?.metadata?.[META_ACCOUNT] !== (payer.account ?? payer.id)) {
    notFound()
  }
  const delivered = await stripeCredits.webhook(await devStripe.pay(sessionId))
  if (!delivered.ok) throw new Error(`the webhook refused the payment (${delivered.status})`)
  redirect(`/checkout/dev?session_id=${encodeURIComponent(sessionId)}`)
}

async function DevCheckout({ searchParams }: { searchParams: Promise<{ session_id?: string }> }) {
  const { session_id: sessionId = '' } = await searchParams
  const user = await currentIdentity()
  const session = devStripe?.session(sessionId)
  if (!user || !session || session.metadata?.[META_ACCOUNT] !== (user.account ?? user.id)) notFound()

  const amount = new Intl.NumberFormat('en-US', { style: 'currency', currency: session.currency ?? 'usd' })
  return (
    <main>
      <h1>Checkout (development)</h1>
      <p>No Stripe keys are set, so this page stands in for Stripe Checkout. Paying here charges nothing.</p>
      <p>Total: {amount.format((session.amount_total ?? 0) / 100)}</p>
      {session.payment_status === 'paid' ? (
        <p data-status="paid">Paid: the credits are on your account.</p>
      ) : (
        <form action={pay}>
          <input type="hidden" name="session_id" value={session.id} />
          <button type="submit">Pay (development)</button>
        </form>
      )}
    </main>
  )
}
