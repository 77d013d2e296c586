import 'server-only'
import { isMeteredError } from '@metered/core'
import { META_ACCOUNT, META_PLAN, type PublicPlan } from '@metered/stripe'
import { ledger } from './stores'
import { stripeClient, stripeCredits } from './stripe'

/** How far back a plan grant still names the current plan: one monthly period and a day of grace. */
const PERIOD_MS = 32 * 24 * 3600 * 1000

/** The account's newest plan grants (source `plan`), newest first. */
async function planGrants(account: string) {
  const page = await ledger.history(account, { types: ['grant'], limit: 100 })
  return page.entries.filter((e) => e.reason === 'plan')
}

/**
 * The plan the account is on: the plan of its newest monthly grant, if that grant is of the
 * current period. Every paid invoice grants, so a cancelled plan stops showing a period after
 * its last payment (the app keeps no subscription table of its own).
 */
export async function currentPlanId(account: string): Promise<string | null> {
  const newest = (await planGrants(account))[0]
  if (!newest || newest.createdAt < Date.now() - PERIOD_MS) return null
  const planId = newest.metadata?.planId
  return typeof planId === 'string' ? planId : null
}

/** What the success page shows for a subscription checkout, like `getCheckoutStatus` for a pack. */
export type PlanCheckoutStatus =
  | { status: 'granted' | 'processing' | 'unpaid' | 'expired'; plan: PublicPlan | null }
  | { status: 'not_found' }

/**
 * The status of a subscription Checkout Session of the account, or null when the session is not a
 * plan's (then it is a pack's: `getCheckoutStatus`). Read-only, like the pack's: `granted` once the
 * webhook granted the subscription's first invoice. Another account's session is `not_found`.
 */
export async function planCheckoutStatus(sessionId: string, account: string): Promise<PlanCheckoutStatus | null> {
  if (!stripeClient || !stripeCredits) return null
  let session: Awaited<ReturnType<typeof stripeClient.checkout.sessions.retrieve>> & { subscription?: unknown }
  try {
    session = await stripeClient.checkout.sessions.retrieve(sessionId)
  } catch (error) {
    const e = error as { statusCode?: unknown }
    if (e.statusCode === 404 || (isMeteredError(error) && error.code === 'not_found')) return null
    throw error
  }
  const planId = session.metadata?.[META_PLAN]
  if (!planId) return null
  if (session.metadata?.[META_ACCOUNT] !== account) return { status: 'not_found' }
  const plan = stripeCredits.plans.find((p) => p.id === planId) ?? null
  if (session.status === 'expired') return { status: 'expired', plan }
  if (session.payment_status !== 'paid')
    return { status: session.status === 'complete' ? 'processing' : 'unpaid', plan }
  const subscription = typeof session.subscription === 'string' ? session.subscription : null
  const granted = (await planGrants(account)).some((e) => e.metadata?.stripeSubscriptionId === subscription)
  return { status: granted && subscription ? 'granted' : 'processing', plan }
}
