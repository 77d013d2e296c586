/**
 * Names shared by checkout and webhooks. The metadata keys are prefixed so they sit beside the
 * app's own metadata on the same Stripe objects; the idempotency keys are the ledger's, so a
 * grant or a clawback happens once however often Stripe delivers the event.
 */
export const META_ACCOUNT = 'metered_account'
/** The Checkout Session metadata key naming the pack sold. */
export const META_PACK = 'metered_pack'
/** On an auto top-up's PaymentIntent: the number of the claim it charges. */
export const META_TOP_UP = 'metered_top_up'

/** Ledger idempotency key of the grant for one Checkout Session. */
export function grantKey(sessionId: string): string {
  return `stripe:checkout:${sessionId}`
}

/** Ledger idempotency key of the grant of one auto top-up PaymentIntent. */
export function topUpKey(paymentIntentId: string): string {
  return `stripe:top-up:${paymentIntentId}`
}

/** Ledger idempotency key of the clawback for one refund. */
export function refundKey(refundId: string): string {
  return `stripe:refund:${refundId}`
}

/** Ledger idempotency key of the grant that gives back what a refund took, once the refund failed. */
export function refundFailedKey(refundId: string): string {
  return `stripe:refund-failed:${refundId}`
}

/** Ledger idempotency key of the clawback for one dispute. */
export function disputeKey(disputeId: string): string {
  return `stripe:dispute:${disputeId}`
}

/** Metadata of a grant entry naming its session; `getCheckoutStatus` finds the grant by it. */
export const GRANT_META_SESSION = 'stripeCheckoutSessionId'
