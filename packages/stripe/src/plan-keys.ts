/**
 * Names the plan paths share. The account and plan ride on the subscription's metadata (set at
 * checkout), so every invoice of the subscription names its account, whichever event comes first.
 */
export const META_PLAN = 'metered_plan'

/** Ledger idempotency key of the grant for one paid invoice: one grant per invoice, however often delivered. */
export function planGrantKey(invoiceId: string): string {
  return `stripe:invoice:${invoiceId}`
}

/** Metadata of a plan grant entry naming its invoice. */
export const GRANT_META_INVOICE = 'stripeInvoiceId'

/** Metadata of a plan grant entry naming its subscription (what a checkout's status looks for). */
export const GRANT_META_SUBSCRIPTION = 'stripeSubscriptionId'
