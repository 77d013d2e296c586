import { isMeteredError } from '@metered/core'
import type { CheckoutStatus } from '@metered/stripe'
import Link from 'next/link'
import { redirect } from 'next/navigation'
import { RefreshWhileProcessing } from '@/components/refresh-while-processing'
import { currentUser } from '@/lib/metered'
import { stripeCredits } from '@/lib/stripe'

/**
 * Where Checkout returns. Read-only: only the verified webhook grants, so reloading or forging
 * this URL gains nothing. While the webhook has not arrived yet, the page polls.
 */
export default async function CheckoutSuccessPage({
  searchParams,
}: {
  searchParams: Promise<{ session_id?: string }>
}) {
  const { session_id: sessionId } = await searchParams
  const user = await currentUser()
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(`/checkout/success?session_id=${sessionId ?? ''}`)}`)
  if (!sessionId || !stripeCredits) return <Unknown />
  let status: CheckoutStatus
  try {
    status = await stripeCredits.getCheckoutStatus(sessionId, { account: user.id })
  } catch (error) {
    // A malformed id is no checkout of this account either; Stripe being down goes to the error page.
    if (isMeteredError(error) && error.code === 'validation_error') return <Unknown />
    throw error
  }
  // Another account's session answers exactly like one that does not exist.
  if (status.status === 'not_found') return <Unknown />
  if (status.plan !== undefined) return <PlanStatus status={status} />
  const credits = status.credits.toLocaleString('en-US')
  return (
    <>
      <h1>Thank you</h1>
      {status.status === 'granted' && (
        <p className="success" role="status" data-status="granted">
          Payment received: {credits} credits were added to your account.
        </p>
      )}
      {status.status === 'processing' && (
        <>
          <p className="notice" role="status" data-status="processing">
            Payment received, adding your {credits} credits… This page updates by itself.
          </p>
          <RefreshWhileProcessing />
        </>
      )}
      {status.status === 'unpaid' && (
        <p className="notice" data-status="unpaid">
          This checkout was not paid. <Link href="/buy-credits">Choose a pack</Link>
        </p>
      )}
      {status.status === 'refused' && (
        <p className="notice" role="status" data-status="refused">
          We could not add these credits: the payment does not match the pack. We have been told and will sort it out;
          nothing more to do on your side.
        </p>
      )}
      {status.status === 'expired' && (
        <p className="notice" data-status="expired">
          This checkout expired unpaid. <Link href="/buy-credits">Start again</Link>
        </p>
      )}
      <p>
        <Link href="/">Back to chat</Link> · <Link href="/profile">Your credit history</Link>
      </p>
    </>
  )
}

/** A subscription checkout: the plan's first month of credits comes with the first paid invoice. */
function PlanStatus({ status }: { status: CheckoutStatus }) {
  const name = status.plan?.name ?? 'your plan'
  const credits = status.credits.toLocaleString('en-US')
  return (
    <>
      <h1>Thank you</h1>
      {status.status === 'granted' && (
        <p className="success" role="status" data-status="granted">
          You are subscribed to {name}: {credits} credits were added to your account for this month.
        </p>
      )}
      {status.status === 'processing' && (
        <>
          <p className="notice" role="status" data-status="processing">
            Subscribed to {name}, adding this month's {credits} credits… This page updates by itself.
          </p>
          <RefreshWhileProcessing />
        </>
      )}
      {status.status === 'unpaid' && (
        <p className="notice" data-status="unpaid">
          This checkout was not paid. <Link href="/billing">Choose a plan</Link>
        </p>
      )}
      {status.status === 'expired' && (
        <p className="notice" data-status="expired">
          This checkout expired unpaid. <Link href="/billing">Start again</Link>
        </p>
      )}
      <p>
        <Link href="/">Back to chat</Link> · <Link href="/billing">Billing</Link>
      </p>
    </>
  )
}

function Unknown() {
  return (
    <>
      <h1>Checkout</h1>
      <p>We could not find this checkout for your account.</p>
      <p>
        <Link href="/buy-credits">Buy credits</Link>
      </p>
    </>
  )
}
