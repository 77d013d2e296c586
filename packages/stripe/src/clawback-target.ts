import { handleTopUpIntent, parseTopUpIntent, type TopUpIntent } from './auto-top-up/top-up-webhook.js'
import type { StripeCreditsConfig } from './config.js'
import { sessionForPaymentIntent } from './find-session.js'
import { fulfilSession, meteredTarget } from './fulfil.js'
import type { ClawbackGrant } from './hooks.js'
import { parseInvoice } from './invoice-objects.js'
import { grantKey, topUpKey } from './keys.js'
import { grantPlanInvoice, PLAN_PRIORITY, planInvoiceGrant } from './plan-grant.js'
import { planGrantKey } from './plan-keys.js'
import { idOf, type StripeCheckoutSession } from './stripe-client.js'

/** Why a paid object was not granted, so there is nothing to claw back. */
export type NotGranted = 'unpaid' | 'not_metered' | 'unknown_pack' | 'amount_mismatch' | 'unknown_plan' | 'ignored'

/** The grant a refund or dispute of one payment claws back. */
export interface ClawbackTarget {
  account: string
  /** Units the grant gave: a refund's share is computed on them. */
  units: number
  /** The grant's ledger idempotency key (the revoke names it). */
  grantKey: string
  /** When the grant expires, epoch ms, or null: a failed refund gives credits back with the same expiry. */
  expiresAt: number | null
  /** The grant's spending priority, which credits a failed refund gives back keep too. */
  priority: number
  /** The Stripe object that granted, as events name it. */
  grant: ClawbackGrant
  /**
   * Grants, if not done yet, from the object fetched from Stripe (authoritative): Stripe does not
   * order events, so a refund can come before the event that grants. Same key and parameters as
   * that event, which then replays. Null when granted (now or before), else why it cannot be.
   */
  ensureGranted(): Promise<NotGranted | null>
}

/** What paid for a charge: the ids a charge, refund or dispute event carries. */
export interface PaidBy {
  paymentIntent: string | null
  /** The invoice, when the charge names it (API versions before 2025-03-31). */
  invoice: string | null
}

/**
 * The grant a payment bought, whichever way it was bought: a pack at Checkout (the session listed
 * by its PaymentIntent), an automatic top-up (the PaymentIntent's metadata), or a plan's period
 * (the invoice the payment paid). `not_metered` when metered granted nothing for it.
 */
export async function clawbackTarget(
  config: StripeCreditsConfig,
  paid: PaidBy,
): Promise<ClawbackTarget | 'not_metered' | 'unknown_pack' | 'unknown_plan'> {
  if (paid.paymentIntent) {
    const session = await sessionForPaymentIntent(config, paid.paymentIntent)
    if (session) return packTarget(config, session)
    const intent = config.stripe.paymentIntents
      ? parseTopUpIntent(await config.stripe.paymentIntents.retrieve(paid.paymentIntent))
      : null
    if (intent) return topUpTarget(config, intent)
  }
  return planTarget(config, paid)
}

function packTarget(
  config: StripeCreditsConfig,
  session: StripeCheckoutSession,
): ClawbackTarget | 'not_metered' | 'unknown_pack' {
  const target = meteredTarget(config, session)
  if (!target) return 'not_metered'
  const grant = { source: 'purchase', sessionId: session.id } as const
  if (!target.pack) {
    config.report.event({ type: 'clawback_refused', reason: 'unknown_pack', packId: target.packId, ...grant })
    return 'unknown_pack'
  }
  const { expiresInMs } = target.pack
  return {
    account: target.account,
    units: target.pack.units,
    grantKey: grantKey(session.id),
    expiresAt: expiresInMs === null ? null : session.created * 1000 + expiresInMs,
    priority: 0,
    grant,
    async ensureGranted() {
      const fulfilled = await fulfilSession(config, session)
      return fulfilled.outcome === 'granted' || fulfilled.outcome === 'already_granted' ? null : fulfilled.outcome
    },
  }
}

function topUpTarget(
  config: StripeCreditsConfig,
  { intent, account, packId }: TopUpIntent,
): ClawbackTarget | 'unknown_pack' {
  const pack = config.catalog.get(packId)
  const grant = { source: 'auto_top_up', paymentIntentId: intent.id } as const
  if (!pack) {
    config.report.event({ type: 'clawback_refused', reason: 'unknown_pack', packId, ...grant })
    return 'unknown_pack'
  }
  return {
    account,
    units: pack.units,
    grantKey: topUpKey(intent.id),
    expiresAt: pack.expiresInMs === null ? null : intent.created * 1000 + pack.expiresInMs,
    priority: 0,
    grant,
    async ensureGranted() {
      if (intent.status !== undefined && intent.status !== 'succeeded') return 'unpaid'
      const outcome = await handleTopUpIntent(config, 'payment_intent.succeeded', intent)
      if (outcome === 'granted' || outcome === 'already_granted') return null
      return outcome === 'top_up_failed' ? 'unpaid' : outcome
    },
  }
}

async function planTarget(
  config: StripeCreditsConfig,
  paid: PaidBy,
): Promise<ClawbackTarget | 'not_metered' | 'unknown_plan'> {
  if (!config.plans) return 'not_metered'
  const invoiceId = paid.invoice ?? (await invoicePaidBy(config, paid.paymentIntent))
  if (!invoiceId || !config.stripe.invoices) return 'not_metered'
  const invoice = parseInvoice(await config.stripe.invoices.retrieve(invoiceId))
  const planned = planInvoiceGrant(config, invoice)
  const grant = { source: 'plan', invoiceId: invoice.id } as const
  if (planned === 'unknown_plan') {
    config.report.event({ type: 'clawback_refused', reason: 'unknown_plan', ...grant })
    return 'unknown_plan'
  }
  // A mid-period invoice (a prorated plan change) granted nothing, so there is nothing to take.
  if (typeof planned === 'string') return 'not_metered'
  return {
    account: planned.account,
    units: planned.units,
    grantKey: planGrantKey(invoice.id),
    expiresAt: planned.expiresAt,
    priority: PLAN_PRIORITY,
    grant,
    async ensureGranted() {
      if (invoice.status !== null && invoice.status !== 'paid') return 'unpaid'
      const outcome = await grantPlanInvoice(config, invoice)
      if (outcome === 'granted' || outcome === 'already_granted') return null
      return outcome === 'unknown_plan' || outcome === 'not_metered' ? outcome : 'ignored'
    },
  }
}

/** The invoice a PaymentIntent paid (API 2025-03-31 and later), or null. */
async function invoicePaidBy(config: StripeCreditsConfig, paymentIntent: string | null): Promise<string | null> {
  if (!paymentIntent || !config.stripe.invoicePayments) return null
  const page = await config.stripe.invoicePayments.list({
    payment: { type: 'payment_intent', payment_intent: paymentIntent },
    limit: 1,
  })
  return idOf(page.data[0]?.invoice)
}
