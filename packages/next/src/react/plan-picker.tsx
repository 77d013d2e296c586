import { type ReactNode, useContext, useState } from 'react'
import { MeteredContext } from './context.js'
import { assignWebUrl, useBackFromRedirect } from './redirect.js'
import { requestJson, toError } from './request.js'
import type { PlanOption } from './types.js'

/** Props of `PlanPicker`: the server's plans, the current one, and the two routes it posts to. */
export interface PlanPickerProps {
  /** The plans to offer: `createStripeCredits(...).plans`, passed down from a server component. */
  plans: readonly PlanOption[]
  /** The account's current plan id, or null without a subscription. @default null */
  currentPlanId?: string | null | undefined
  /**
   * Route answering `POST { planId }` with `{ url }` (docs/http-api.md).
   * @default '/api/subscribe'
   */
  subscribeUrl?: string | undefined
  /**
   * Route answering `POST` with the customer portal `{ url }`, where a subscriber changes or cancels.
   * @default '/api/billing/portal'
   */
  portalUrl?: string | undefined
  /** How a price reads, e.g. `$9 / month`. @default Intl currency format of `unitAmount` / 100 */
  formatPrice?: ((plan: PlanOption) => ReactNode) | undefined
  /** Class of the list element. @default none */
  className?: string | undefined
  /** Called when opening Checkout or the portal fails (the picker also shows the error). @default none */
  onError?: ((error: Error) => void) | undefined
}

function defaultPrice(plan: PlanOption): ReactNode {
  if (plan.unitAmount === null || plan.currency === null) return null
  const amount = new Intl.NumberFormat(undefined, { style: 'currency', currency: plan.currency.toUpperCase() }).format(
    plan.unitAmount / 100,
  )
  return `${amount} / ${plan.interval}`
}

/**
 * The plans, each with its credits per period and price, and the current one marked. Without a
 * subscription a plan's button opens Checkout for it; with one, every button opens the customer
 * portal, where Stripe changes the plan (from the next period) or cancels it. Only the plan id is
 * ever sent; the server decides the price.
 * @example
 * <PlanPicker plans={stripeCredits.plans} currentPlanId={plan} />
 */
export function PlanPicker({
  plans,
  currentPlanId = null,
  subscribeUrl = '/api/subscribe',
  portalUrl = '/api/billing/portal',
  formatPrice = defaultPrice,
  className,
  onError,
}: PlanPickerProps) {
  const fetchImpl = useContext(MeteredContext)?.rawFetch ?? ((i, init) => globalThis.fetch(i, init))
  const [busy, setBusy] = useState<string | null>(null)
  const [error, setError] = useState<Error | null>(null)
  useBackFromRedirect(() => setBusy(null))
  const go = async (planId: string) => {
    setBusy(planId)
    setError(null)
    try {
      const { url } = currentPlanId
        ? await requestJson<{ url: string }>(fetchImpl, portalUrl, {})
        : await requestJson<{ url: string }>(fetchImpl, subscribeUrl, { planId })
      assignWebUrl(url, 'redirect')
    } catch (e) {
      const err = toError(e)
      setError(err)
      setBusy(null)
      onError?.(err)
    }
  }
  return (
    <div className={className}>
      <ul>
        {plans.map((plan) => {
          const current = plan.id === currentPlanId
          return (
            <li key={plan.id} aria-current={current || undefined} data-plan={plan.id}>
              <strong>{plan.name}</strong> <span>{plan.credits.toLocaleString()} credits</span>{' '}
              <span>{formatPrice(plan)}</span>
              {plan.description && <p>{plan.description}</p>}
              <button
                type="button"
                disabled={busy !== null}
                aria-busy={busy === plan.id || undefined}
                onClick={() => void go(plan.id)}
              >
                {current ? 'Manage plan' : currentPlanId ? 'Switch plan' : 'Subscribe'}
              </button>
            </li>
          )
        })}
      </ul>
      {error && <span role="alert">{error.message}</span>}
    </div>
  )
}
