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
  return <Status status={status} />
}

/**
 * Where a checkout stands. A pack's credits come with the payment; a plan's first month of credits
 * comes with its first paid invoice. The paragraphs are the same, in each one's words.
 */
function Status({ status }: { status: CheckoutStatus }) {
  const credits = status.credits.toLocaleString('en-US')
  const name = status.plan?.name ?? 'your plan'
  const plan = status.plan !== undefined
  const again = plan ? '/billing' : '/buy-credits'
  return (
    <>
      <h1>Thank you</h1>
      {status.status === 'granted' && (
        <p className="success" role="status" data-status="granted">
          {plan
            ? `You are subscribed to ${name}: ${credits} credits were added to your account for this month.`
            : `Payment received: ${credits} credits were added to your account.`}
        </p>
      )}
      {status.status === 'processing' && (
        <>
          <p className="notice" role="status" data-status="processing">
            {plan
              ? `Subscribed to ${name}, adding this month's ${credits} credits…`
              : `Payment received, adding your ${credits} credits…`}{' '}
            This page updates by itself.
          </p>
          <RefreshWhileProcessing />
        </>
      )}
      {status.status === 'unpaid' && (
        <p className="notice" data-status="unpaid">
          This checkout was not paid. <Link href={again}>{plan ? 'Choose a plan' : 'Choose a pack'}</Link>
        </p>
      )}
      {/* the pack's wording: a plan's checkout is never `refused` (its credits come with the paid invoice) */}
      {status.status === 'refused' && !plan && (
        <p className="notice" role="status" data-status="refused">
          We could not add these credits: the payment does not match the pack. We have been told and will sort it out;
          nothing more to do on your side.
        </p>
      )}
      {status.status === 'expired' && (
        <p className="notice" data-status="expired">
          This checkout expired unpaid. <Link href={again}>Start again</Link>
        </p>
      )}
      <p>
        <Link href="/">Back to chat</Link> ·{' '}
        {plan ? <Link href="/billing">Billing</Link> : <Link href="/profile">Your credit history</Link>}
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
