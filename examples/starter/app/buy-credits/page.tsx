import Link from 'next/link'
import { BuyPack } from '@/components/buy-pack'
import { currentUser } from '@/lib/metered'
import { devStripe, stripeCredits } from '@/lib/stripe'

const usd = (cents: number) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(cents / 100)

export default async function BuyCreditsPage() {
  const user = await currentUser()
  const packs = stripeCredits?.packs ?? []
  return (
    <>
      <h1>Buy credits</h1>
      <p className="muted">
        1 credit = $0.001 of usage. Bigger packs come with bonus credits. Purchased credits never expire.
      </p>
      {devStripe && (
        <p className="notice">
          <strong>Development checkout:</strong> no Stripe keys are set, so checkout runs against an in-memory Stripe.
          No card is charged; the credits are granted by a signed webhook, as in production.
        </p>
      )}
      {!stripeCredits && (
        <p role="alert" className="error">
          Payments are not configured: set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET.
        </p>
      )}
      {!user && (
        <p className="notice">
          <Link href="/signin?callbackUrl=/buy-credits">Sign in</Link> to buy credits.
        </p>
      )}
      <ul className="packs">
        {packs.map((pack) => (
          <li key={pack.id} data-pack={pack.id}>
            <div className="price">{usd(pack.unitAmount ?? 0)}</div>
            <div>
              <strong>{(pack.credits + pack.bonus).toLocaleString('en-US')}</strong> credits
            </div>
            <div className="muted">
              {pack.bonus > 0 ? `includes ${pack.bonus.toLocaleString('en-US')} bonus` : 'no bonus'}
            </div>
            {user && (
              <BuyPack
                packId={pack.id}
                label={`Buy ${(pack.credits + pack.bonus).toLocaleString('en-US')} credits for ${usd(pack.unitAmount ?? 0)}`}
              />
            )}
          </li>
        ))}
      </ul>
    </>
  )
}
