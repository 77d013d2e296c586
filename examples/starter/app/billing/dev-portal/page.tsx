import Link from 'next/link'
import { notFound } from 'next/navigation'
import { devStripe } from '@/lib/stripe'

/** The development stand-in for Stripe's customer portal. Never available in production. */
export default function DevPortalPage() {
  if (!devStripe) notFound()
  return (
    <>
      <h1>Customer portal (development)</h1>
      <div className="card stack">
        <p className="notice">
          With Stripe keys set, this is Stripe&apos;s hosted customer portal, opened on your own customer: change plan
          (from the next period), cancel, update the card. The in-memory Stripe has no portal.
        </p>
        <p>
          <Link href="/billing">Back to billing</Link>
        </p>
      </div>
    </>
  )
}
