import type { Entry, Ledger } from '@metered/core'
import { clawbackTarget } from './clawback-target.js'
import type { StripeCreditsConfig } from './config.js'
import type { ClawbackGrant } from './hooks.js'
import { refundFailedKey } from './keys.js'
import { idOf } from './stripe-client.js'
import { parseCharge, parseRefundEvent } from './stripe-objects.js'

export type RefundFailedOutcome =
  /** `restored`: units granted back (0 when the refund had taken nothing). */
  | { outcome: 'restored'; restored: number }
  /** Not a failure, or not a refund of anything metered granted for. */
  | { outcome: 'ignored' | 'not_metered' }

/**
 * `charge.refund.updated` (and `refund.updated` / `refund.failed`) with status `failed`: the
 * bank returned the refund, so the merchant keeps the money and the buyer gets back the credits
 * that refund clawed back, as a grant keyed `stripe:refund-failed:<refund id>` (once, however
 * often the event comes).
 *
 * What is given back is what the refund's revoke took at once (its `revoke` entry). Units it
 * left pending on a hold in flight, taken when that hold closed, are not: the ledger does not
 * link those to the refund. That needs a refund during an AI call and then a failed refund;
 * the revoke's log line (`clawback waits for held credits`) names them for an operator.
 */
export async function handleRefundUpdated(config: StripeCreditsConfig, object: unknown): Promise<RefundFailedOutcome> {
  const refund = parseRefundEvent(object)
  if (refund.status !== 'failed') return { outcome: 'ignored' }
  let paymentIntent = idOf(refund.payment_intent)
  let invoice: string | null = null
  if (!paymentIntent) {
    const charge = parseCharge(await config.stripe.charges.retrieve(idOf(refund.charge) ?? ''))
    paymentIntent = idOf(charge.payment_intent)
    invoice = idOf(charge.invoice)
  }
  const target = await clawbackTarget(config, { paymentIntent, invoice })
  if (typeof target === 'string') return { outcome: 'not_metered' }

  const taken = await refundRevoke(config.ledger, target.account, refund.id)
  const units = taken ? -taken.amount : 0
  if (!taken || units <= 0) return { outcome: 'restored', restored: 0 }
  // Same expiry and priority as the grant: a failed refund restores the credits as they were.
  await config.ledger.grant({
    account: target.account,
    amount: units,
    source: 'refund_failed',
    priority: target.priority,
    expiresAt: target.expiresAt,
    idempotencyKey: refundFailedKey(refund.id),
    metadata: { stripeRefundId: refund.id, stripeChargeId: idOf(refund.charge), ...grantIds(target.grant) },
  })
  return { outcome: 'restored', restored: units }
}

/** The `revoke` entry a refund's clawback wrote (its metadata names the refund), or null. */
async function refundRevoke(ledger: Ledger, account: string, refundId: string, maxEntries = 1000) {
  let cursor: string | null = null
  for (let seen = 0; seen < maxEntries; ) {
    const page = await ledger.history(account, { types: ['revoke'], limit: 100, cursor })
    const hit: Entry | undefined = page.entries.find(
      (e) => e.reason === 'refund' && e.metadata?.stripeRefundId === refundId,
    )
    if (hit) return hit
    seen += page.entries.length
    if (!page.nextCursor || page.entries.length === 0) return null
    cursor = page.nextCursor
  }
  return null
}

/** The grant's Stripe object, under the metadata name its own grant entry uses. */
function grantIds(grant: ClawbackGrant): Record<string, string> {
  if (grant.source === 'purchase') return { stripeCheckoutSessionId: grant.sessionId }
  if (grant.source === 'auto_top_up') return { stripePaymentIntentId: grant.paymentIntentId }
  return { stripeInvoiceId: grant.invoiceId }
}
