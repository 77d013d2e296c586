// @metered-generated: written by `metered init`. It is yours: once you edit it, init never touches it again.
import { BuyCreditsButton } from '@metered/next/react'
import { Suspense } from 'react'
import { currentIdentity } from '@/lib/metered'
import { stripeCredits } from '@/lib/metered-stripe'

/**
 * The credit packs for sale: where a 402's `buyUrl` sends the caller (lib/metered.ts). The button
 * posts only the pack id to /api/checkout; prices and credits come from lib/metered-stripe.ts.
 */
export default function BuyCreditsPage() {
  // Read per request (the session cookie, the Stripe keys of the running server), never at build time.
  return (
    <Suspense fallback={null}>
      <Packs />
    </Suspense>
  )
}

function price(unitAmount: number | null, currency: string | null): string {
  if (unitAmount === null) return ''
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency ?? 'usd' }).format(unitAmount / 100)
}

async function Packs() {
  const user = await currentIdentity()
  if (!stripeCredits) {
    return (
      <main>
        <h1>Buy credits</h1>
        <p>Payments are not configured.</p>
      </main>
    )
  }
  return (
    <main>
      <h1>Buy credits</h1>
      {user ? null : <p>Sign in to buy credits.</p>}
      <ul>
        {stripeCredits.packs.map((pack) => (
          <li key={pack.id}>
            {pack.name}: {(pack.credits + pack.bonus).toLocaleString('en-US')} credits{' '}
            {price(pack.unitAmount, pack.currency)}{' '}
            {user ? <BuyCreditsButton packId={pack.id}>Buy</BuyCreditsButton> : null}
          </li>
        ))}
      </ul>
    </main>
  )
}
