import type { StripeCreditsConfig } from './config.js'
import { type InvoiceLine, type PlanInvoice, parseInvoice, parseSubscription } from './invoice-objects.js'
import { META_ACCOUNT } from './keys.js'
import { isIdempotencyConflict } from './ledger-errors.js'
import { GRANT_META_INVOICE, GRANT_META_SUBSCRIPTION, META_PLAN, planGrantKey } from './plan-keys.js'
import type { NormalizedPlan } from './plans.js'
import type { StripeCheckoutSession } from './stripe-client.js'

export type PlanOutcome =
  | 'granted'
  | 'already_granted'
  | 'not_metered'
  | 'unknown_plan'
  | 'payment_failed'
  | 'plan_ended'
  | 'subscribed'
  | 'ignored'

/**
 * The invoices that pay for a period: the first one and each renewal. A mid-period invoice
 * (`subscription_update`: a plan changed with immediate proration) grants nothing: a plan change
 * takes effect at the next period, whose invoice names the new price (docs/design.md, "Plans").
 */
const PERIOD_INVOICES = new Set(['subscription_create', 'subscription_cycle'])

/**
 * Plan credits are spent before purchased packs (priority 0), like `createMetered`'s allowances:
 * what lapses at the period's end goes first, and what the buyer paid for separately lasts.
 */
export const PLAN_PRIORITY = 10

/** The plan lines of an invoice: the period's own charge for a price of the catalog. */
function planLines(config: StripeCreditsConfig, invoice: PlanInvoice): { line: InvoiceLine; plan: NormalizedPlan }[] {
  const found: { line: InvoiceLine; plan: NormalizedPlan }[] = []
  for (const line of invoice.lines) {
    const plan = line.price ? config.plans?.byPrice.get(line.price) : undefined
    if (plan && !line.proration) found.push({ line, plan })
  }
  return found
}

/** What a period's invoice grants: every parameter from the invoice, so a replay matches the original. */
export interface PlanInvoiceGrant {
  account: string
  units: number
  /** When the period paid for ends, epoch ms: the credits lapse then. */
  expiresAt: number
  planIds: string[]
}

/**
 * The grant an invoice pays for, or why it pays for none: not a subscription metered created
 * (`not_metered`), not a period's invoice (`ignored`), or no plan line (`unknown_plan`).
 */
export function planInvoiceGrant(
  config: StripeCreditsConfig,
  invoice: PlanInvoice,
): PlanInvoiceGrant | 'not_metered' | 'ignored' | 'unknown_plan' {
  const account = invoice.metadata[META_ACCOUNT]
  if (!account || !invoice.subscription) return 'not_metered'
  if (!invoice.billingReason || !PERIOD_INVOICES.has(invoice.billingReason)) return 'ignored'
  const lines = planLines(config, invoice)
  if (lines.length === 0) return 'unknown_plan'
  let units = 0
  for (const { line, plan } of lines) units += plan.units * line.quantity
  // One invoice pays one period: its plan lines share their end, which is when the credits lapse.
  const expiresAt = Math.max(...lines.map(({ line }) => line.periodEnd)) * 1000
  return { account, units, expiresAt, planIds: [...new Set(lines.map(({ plan }) => plan.id))] }
}

/**
 * `invoice.paid`: grants the plan's credits for the period the invoice paid, expiring when that
 * period ends. Every parameter comes from the invoice (the price on its line, the line's period
 * end), and the ledger key is the invoice id, so concurrent and late redeliveries replay the one
 * grant. The account is the subscription's metadata, set at checkout, so the invoice may arrive
 * before the session's completion.
 */
export async function handleInvoicePaid(config: StripeCreditsConfig, object: unknown): Promise<PlanOutcome> {
  return grantPlanInvoice(config, parseInvoice(object))
}

/** Grants a paid invoice's period (once, keyed by the invoice); `invoice.paid` and a refund that came first share it. */
export async function grantPlanInvoice(config: StripeCreditsConfig, invoice: PlanInvoice): Promise<PlanOutcome> {
  const grant = planInvoiceGrant(config, invoice)
  if (grant === 'unknown_plan') {
    config.report.event({
      type: 'grant_refused',
      reason: 'unknown_plan',
      invoiceId: invoice.id,
      subscriptionId: invoice.subscription ?? '',
      prices: invoice.lines.map((l) => l.price).filter((p): p is string => p !== null),
    })
    return 'unknown_plan'
  }
  if (typeof grant === 'string') return grant
  const planId = grant.planIds.join(',')
  try {
    const result = await config.ledger.grant({
      account: grant.account,
      amount: grant.units,
      source: 'plan',
      priority: PLAN_PRIORITY,
      expiresAt: grant.expiresAt,
      idempotencyKey: planGrantKey(invoice.id),
      metadata: {
        [GRANT_META_INVOICE]: invoice.id,
        [GRANT_META_SUBSCRIPTION]: invoice.subscription,
        planId,
        amountPaid: invoice.amountPaid,
        currency: invoice.currency,
      },
    })
    return result.replayed ? 'already_granted' : 'granted'
  } catch (err) {
    // Same invoice, other parameters: the plan's credits changed in the catalog after the grant.
    if (isIdempotencyConflict(err)) {
      config.report.error(err, {
        message: 'invoice was already granted with other parameters (catalog changed?); kept as granted',
        invoiceId: invoice.id,
        planId,
      })
      return 'already_granted'
    }
    throw err
  }
}

/**
 * `invoice.payment_failed`: a renewal (or the first payment) was declined. Nothing is granted; the
 * event tells the app (email the buyer, show a banner). If Stripe's retries succeed later,
 * `invoice.paid` grants the period then.
 */
export async function handleInvoicePaymentFailed(config: StripeCreditsConfig, object: unknown): Promise<PlanOutcome> {
  const invoice = parseInvoice(object)
  const account = invoice.metadata[META_ACCOUNT]
  if (!account || !invoice.subscription) return 'not_metered'
  const plan = planLines(config, invoice)[0]?.plan
  config.report.event({
    type: 'plan_payment_failed',
    account,
    invoiceId: invoice.id,
    subscriptionId: invoice.subscription,
    planId: plan?.id ?? invoice.metadata[META_PLAN] ?? null,
    attemptCount: invoice.attemptCount,
    nextPaymentAttempt: invoice.nextPaymentAttempt,
  })
  return 'payment_failed'
}

/**
 * `customer.subscription.deleted`: the subscription ended, so Stripe bills no further period and
 * no further credits are granted. The current period's credits stay until their expiry (it was
 * paid); purchased packs are separate grants and are never touched.
 */
export async function handleSubscriptionDeleted(config: StripeCreditsConfig, object: unknown): Promise<PlanOutcome> {
  const subscription = parseSubscription(object)
  const account = subscription.metadata[META_ACCOUNT]
  if (!account) return 'not_metered'
  config.report.event({
    type: 'plan_ended',
    account,
    subscriptionId: subscription.id,
    planId: subscription.metadata[META_PLAN] ?? null,
  })
  return 'plan_ended'
}

/**
 * `checkout.session.completed` of a subscription: nothing to grant (the invoice grants), but the
 * customer Checkout created is remembered for the account, so the portal link can find it.
 */
export async function handleSubscriptionCheckout(
  config: StripeCreditsConfig,
  session: StripeCheckoutSession,
): Promise<PlanOutcome> {
  const account = session.metadata?.[META_ACCOUNT]
  if (!account) return 'not_metered'
  const customer = typeof session.customer === 'string' ? session.customer : (session.customer?.id ?? null)
  if (customer && config.customers && !(await config.customers.get(account))) {
    await config.customers.set(account, customer)
  }
  return 'subscribed'
}

/** Whether a Checkout Session was created by `subscribe` (it names a plan, not a pack). */
export function isPlanSession(session: StripeCheckoutSession): boolean {
  return Boolean(session.metadata?.[META_PLAN])
}
