import { type RevokeInput, type RevokeResult, StoreUnavailableError } from '@metered/core'
import { type ClawbackTarget, clawbackTarget } from './clawback-target.js'
import type { StripeCreditsConfig } from './config.js'
import { disputeKey, refundKey } from './keys.js'
import { isIdempotencyConflict } from './ledger-errors.js'
import { idOf, type StripeCharge, type StripeRefund } from './stripe-client.js'
import { parseCharge, parseDispute, parseRefunds } from './stripe-objects.js'

export type ClawbackOutcome =
  /**
   * `revoked`: units taken back now. `pending`: units that were held (an AI call in flight) when
   * the event landed; the ledger takes them when their hold closes (released, expired, or the
   * part a settle does not use). Units a settle consumes were spent and stay spent.
   */
  | { outcome: 'revoked'; account: string; revoked: number; pending: number }
  /** Not a payment metered granted for, or its pack or plan left the catalog. */
  | { outcome: 'not_metered' | 'unknown_pack' | 'unknown_plan' }
  /** The payment was never granted (and cannot be: unpaid, unknown pack, amount mismatch). */
  | { outcome: 'not_granted' }

/**
 * `charge.refunded`: claws back the refunded share of the grant the charge paid for: a pack bought
 * at Checkout, an automatic top-up, or a plan's period (see `clawbackTarget`).
 *
 * Each refund of the charge is revoked under its own key (`stripe:refund:<refund id>`), so every
 * redelivery, and every later `charge.refunded` that lists earlier refunds again, revokes each
 * refund once. A refund's share is computed on the cumulative amount refunded, rounded down, in
 * refund order: partial refunds claw back proportionally (rounding favours the buyer by less than
 * one unit) and refunds adding up to the whole charge claw back the whole grant.
 * The ledger caps every clawback at what is left of the grant: credits already spent stay spent,
 * and credits held by a call in flight are taken when its hold closes (`pending`).
 */
export async function handleChargeRefunded(config: StripeCreditsConfig, object: unknown): Promise<ClawbackOutcome> {
  const charge = parseCharge(object)
  const target = await clawbackTarget(config, {
    paymentIntent: idOf(charge.payment_intent),
    invoice: idOf(charge.invoice),
  })
  if (typeof target === 'string') return { outcome: target }

  let cumulative = 0
  let clawed = 0
  const taken: Taken = { revoked: 0, pending: 0, freshPending: 0 }
  for (const refund of await refundsOf(config, charge)) {
    cumulative = Math.min(charge.amount, cumulative + refund.amount)
    const share = shareOf(target.units, cumulative, charge.amount)
    const amount = share - clawed
    clawed = share
    if (amount <= 0) continue
    const result = await revokeGranting(config, target, {
      account: target.account,
      grantIdempotencyKey: target.grantKey,
      amount,
      reason: 'refund',
      idempotencyKey: refundKey(refund.id),
      metadata: { stripeRefundId: refund.id, stripeChargeId: charge.id, refundedAmount: refund.amount },
    })
    if (result === 'not_granted') return { outcome: 'not_granted' }
    taken.revoked += result.revoked
    taken.pending += result.pending
    taken.freshPending += result.freshPending
  }
  reportPending(config, target, 'refund', taken, { stripeChargeId: charge.id })
  return { outcome: 'revoked', account: target.account, revoked: taken.revoked, pending: taken.pending }
}

/**
 * `charge.dispute.created`: a disputed payment's funds are withdrawn at once, so what is left of
 * the grant is revoked at once (key `stripe:dispute:<dispute id>`). Winning the dispute later does
 * not give the credits back automatically; grant them again from your admin if you want to.
 */
export async function handleDisputeCreated(config: StripeCreditsConfig, object: unknown): Promise<ClawbackOutcome> {
  const dispute = parseDispute(object)
  let paymentIntent = idOf(dispute.payment_intent)
  let invoice: string | null = null
  if (!paymentIntent) {
    const charge = parseCharge(await config.stripe.charges.retrieve(idOf(dispute.charge) ?? ''))
    paymentIntent = idOf(charge.payment_intent)
    invoice = idOf(charge.invoice)
  }
  const target = await clawbackTarget(config, { paymentIntent, invoice })
  if (typeof target === 'string') return { outcome: target }
  const result = await revokeGranting(config, target, {
    account: target.account,
    grantIdempotencyKey: target.grantKey,
    reason: 'dispute',
    idempotencyKey: disputeKey(dispute.id),
    metadata: { stripeDisputeId: dispute.id, stripeChargeId: idOf(dispute.charge) },
  })
  if (result === 'not_granted') return { outcome: 'not_granted' }
  reportPending(config, target, 'dispute', result, { stripeDisputeId: dispute.id })
  return { outcome: 'revoked', account: target.account, revoked: result.revoked, pending: result.pending }
}

/** What revokes took now and will take when the holds close; `freshPending` leaves out replays. */
interface Taken {
  revoked: number
  pending: number
  freshPending: number
}

/**
 * A clawback that waits on held credits is worth an operator's eye: the account keeps spending
 * power until the call in flight ends, and what that call consumes is not taken back.
 */
function reportPending(
  config: StripeCreditsConfig,
  target: ClawbackTarget,
  reason: 'refund' | 'dispute',
  taken: Taken,
  ids: { stripeChargeId: string } | { stripeDisputeId: string },
): void {
  // Reported once, by the delivery that made the revoke; redeliveries replay it silently.
  if (taken.freshPending === 0) return
  config.report.event({
    type: 'clawback_pending',
    account: target.account,
    reason,
    revoked: taken.revoked,
    pending: taken.pending,
    ...ids,
    ...target.grant,
  })
}

/**
 * Revokes, making sure the grant exists first. Stripe does not order events: a refund can arrive
 * before the event that grants (`checkout.session.completed`, `payment_intent.succeeded`,
 * `invoice.paid`). The object fetched from Stripe is authoritative, so granting it here (same
 * key, same parameters: the later event is a replay) and then revoking gives the same end state
 * in every order.
 */
async function revokeGranting(
  config: StripeCreditsConfig,
  target: ClawbackTarget,
  input: RevokeInput,
): Promise<Taken | 'not_granted'> {
  let result = await revoke(config, input)
  if (result === 'grant_not_found') {
    const refused = await target.ensureGranted()
    if (refused !== null) {
      config.report.event({ type: 'clawback_refused', reason: 'not_granted', grant: refused, ...target.grant })
      return 'not_granted'
    }
    result = await revoke(config, input)
    if (result === 'grant_not_found') return 'not_granted'
  }
  return result
}

async function revoke(config: StripeCreditsConfig, input: RevokeInput): Promise<Taken | 'grant_not_found'> {
  let result: RevokeResult
  try {
    result = await config.ledger.revoke(input)
  } catch (err) {
    // The same refund id revoked before with another share: an earlier refund of the charge has
    // failed since, which changed the running total. That refund was clawed back once; keep it.
    if (isIdempotencyConflict(err)) {
      config.report.error(err, {
        message: 'clawback already applied with another amount; left as it was',
        idempotencyKey: input.idempotencyKey,
      })
      return { revoked: 0, pending: 0, freshPending: 0 }
    }
    throw err
  }
  if (!result.ok) return 'grant_not_found'
  return { revoked: result.revoked, pending: result.pending, freshPending: result.replayed ? 0 : result.pending }
}

/** floor(units x part / whole) without leaving safe integers (units x cents can pass 2^53). */
function shareOf(units: number, part: number, whole: number): number {
  if (whole <= 0) return 0
  return Number((BigInt(units) * BigInt(part)) / BigInt(whole))
}

/**
 * Refunds of the charge that count, oldest first. Recent API versions leave `refunds` out of
 * charge events, so the list is fetched unless the event carries it complete.
 */
async function refundsOf(config: StripeCreditsConfig, charge: StripeCharge): Promise<StripeRefund[]> {
  let refunds: StripeRefund[]
  if (charge.refunds && !charge.refunds.has_more) {
    refunds = charge.refunds.data
  } else {
    refunds = []
    let startingAfter: string | undefined
    for (let page = 0; page < 20; page++) {
      const list = await config.stripe.refunds.list({
        charge: charge.id,
        limit: 100,
        ...(startingAfter ? { starting_after: startingAfter } : {}),
      })
      const data = parseRefunds(list.data)
      refunds.push(...data)
      const last = data.at(-1)
      if (!list.has_more || !last) break
      startingAfter = last.id
    }
  }
  const counted = refunds.filter((r) => r.status !== 'failed' && r.status !== 'canceled')
  // The event's `amount_refunded` includes the refund that triggered it. A list that adds up to
  // less has not caught up yet: fail (500) so Stripe redelivers, rather than miss a clawback.
  if (counted.reduce((sum, r) => sum + r.amount, 0) < charge.amount_refunded) {
    throw new StoreUnavailableError('Stripe refund list is behind the charge.refunded event')
  }
  return counted.sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}
