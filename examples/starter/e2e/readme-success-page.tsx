import { isMeteredError } from '@metered/core'
import { auth, stripeCredits } from './readme-success-setup'

// The success page of packages/stripe/README.md, its body verbatim (success-snippet.test.tsx
// checks it against the README); only the imports point at the test's set-up.
export default async function Success({ searchParams }: { searchParams: Promise<{ session_id?: string }> }) {
  const session = await auth()
  const { session_id } = await searchParams
  if (!session?.user?.id || !session_id) return <p>Nothing to show.</p>
  const status = await stripeCredits.getCheckoutStatus(session_id, { account: session.user.id }).catch((err) => {
    if (isMeteredError(err) && err.code === 'validation_error') return null // not even a session id
    throw err // Stripe unreachable: your error page
  })
  if (!status || status.status === 'not_found') return <p>We could not find this checkout for your account.</p>
  if (status.status === 'granted') return <p>{status.credits.toLocaleString()} credits added.</p>
  if (status.status === 'processing') return <p>Payment received, adding your credits… (refresh in a moment)</p>
  if (status.status === 'refused') return <p>We could not add these credits; support has been told.</p>
  return <p>The payment was not completed.</p>
}
