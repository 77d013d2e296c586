import Link from 'next/link'
import { redirect } from 'next/navigation'
import { Plans, TopUpSettings } from '@/components/billing-controls'
import { currentUser } from '@/lib/metered'
import { currentPlanId } from '@/lib/plans'
import { devStripe, stripeCredits } from '@/lib/stripe'

const usd = (cents: number) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(cents / 100)

/** Plans, the customer portal and automatic top-up for the signed-in account. */
export default async function BillingPage() {
  const user = await currentUser()
  if (!user) redirect('/signin?callbackUrl=/billing')
  if (!stripeCredits) {
    return (
      <>
        <h1>Billing</h1>
        <p role="alert" className="error">
          Payments are not configured: set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET.
        </p>
      </>
    )
  }
  const planId = await currentPlanId(user.id)
  const plan = stripeCredits.plans.find((p) => p.id === planId) ?? null
  // Off-session charges need an amount: only packs with a price of their own can be topped up.
  const packs = stripeCredits.packs
    .filter((p) => p.unitAmount !== null)
    .map((p) => ({
      id: p.id,
      name: `${(p.credits + p.bonus).toLocaleString('en-US')} credits for ${usd(p.unitAmount ?? 0)}`,
    }))
  return (
    <>
      <h1>Billing</h1>
      {devStripe && (
        <p className="notice">
          <strong>Development checkout:</strong> no Stripe keys are set, so plans and top-ups run against an in-memory
          Stripe. No card is charged; credits are granted by signed webhooks, as in production.
        </p>
      )}
      <section aria-labelledby="plan-heading" className="stack">
        <h2 id="plan-heading">Plan</h2>
        <p data-testid="current-plan">
          {plan
            ? `You are on ${plan.name}: ${plan.credits.toLocaleString('en-US')} credits every ${plan.interval}, spent before purchased credits and renewed each period.`
            : 'No plan: you pay as you go with credit packs.'}
        </p>
        {stripeCredits.plans.length > 0 ? (
          <Plans plans={stripeCredits.plans} currentPlanId={planId} />
        ) : (
          <p className="muted">No plans on sale (set STRIPE_PRICE_STARTER).</p>
        )}
        {plan && <p className="muted">Change plan, cancel or update your card in the customer portal: Manage plan.</p>}
      </section>
      <section aria-labelledby="top-up-heading" className="stack">
        <h2 id="top-up-heading">Automatic top-up</h2>
        <p className="muted">
          When your credits fall below the threshold, the card saved at your first checkout is charged for the pack you
          choose (at most 3 times a month). Buy a pack or subscribe once to save a card.{' '}
          <Link href="/buy-credits">Buy credits</Link>
        </p>
        <TopUpSettings packs={packs} />
      </section>
    </>
  )
}
