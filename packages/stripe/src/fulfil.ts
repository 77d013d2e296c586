import type { StripeCreditsConfig } from './config.js'
import { GRANT_META_SESSION, grantKey, META_ACCOUNT, META_PACK } from './keys.js'
import { isIdempotencyConflict } from './ledger-errors.js'
import type { NormalizedPack } from './packs.js'
import { idOf, type StripeCheckoutSession } from './stripe-client.js'

export type FulfilOutcome =
  /** Credits granted now, or (replay) granted by an earlier delivery. */
  | { outcome: 'granted' | 'already_granted'; account: string; units: number }
  /** Not (yet) paid: async payment methods pay later and send `async_payment_succeeded`. */
  | { outcome: 'unpaid' }
  /** A session this package did not create (no metered metadata): not ours to handle. */
  | { outcome: 'not_metered' }
  /** Refused (an `onEvent`): the pack is not in the catalog, or the amount paid is below the pack's price. */
  | { outcome: 'unknown_pack' | 'amount_mismatch' }

/** The account and pack a session was created for, or null when it is not a metered session. */
export function meteredTarget(
  config: StripeCreditsConfig,
  session: StripeCheckoutSession,
): { account: string; packId: string; pack: NormalizedPack | null } | null {
  const account = session.metadata?.[META_ACCOUNT]
  const packId = session.metadata?.[META_PACK]
  if (!account || !packId) return null
  return { account, packId, pack: config.catalog.get(packId) ?? null }
}

/**
 * Grants a paid session's pack, once. The ledger's idempotency key (`stripe:checkout:<session>`)
 * makes every redelivery, concurrent or late, a replay, so nothing here needs a lock. Every grant
 * parameter is derived from the session alone (expiry counts from the session's creation, not from
 * now) so that a replay has the same fingerprint as the original.
 */
export async function fulfilSession(
  config: StripeCreditsConfig,
  session: StripeCheckoutSession,
): Promise<FulfilOutcome> {
  const target = meteredTarget(config, session)
  if (!target) return { outcome: 'not_metered' }
  if (session.payment_status !== 'paid') return { outcome: 'unpaid' }
  const { account, pack } = target
  const refusal = grantRefusal(config, session, pack)
  if (refusal === 'unknown_pack' || !pack) {
    config.report.event({ type: 'grant_refused', reason: 'unknown_pack', sessionId: session.id, packId: target.packId })
    return { outcome: 'unknown_pack' }
  }
  const paid = paidAmount(session)
  if (refusal === 'amount_mismatch') {
    config.report.event({
      type: 'grant_refused',
      reason: 'amount_mismatch',
      sessionId: session.id,
      packId: pack.id,
      expected: { amount: pack.unitAmount, currency: pack.currency },
      paid,
    })
    return { outcome: 'amount_mismatch' }
  }

  const { units } = pack
  try {
    const result = await config.ledger.grant({
      account,
      amount: units,
      source: 'purchase',
      expiresAt: pack.expiresInMs === null ? null : session.created * 1000 + pack.expiresInMs,
      idempotencyKey: grantKey(session.id),
      metadata: {
        [GRANT_META_SESSION]: session.id,
        stripePaymentIntentId: idOf(session.payment_intent),
        packId: pack.id,
        amountPaid: paid.amount,
        currency: paid.currency,
      },
    })
    return { outcome: result.replayed ? 'already_granted' : 'granted', account, units }
  } catch (err) {
    // Same key, other parameters: the pack's credits changed in the catalog after the original
    // grant. The session was granted once already, which is all that matters here.
    if (isIdempotencyConflict(err)) {
      config.report.error(err, {
        message: 'session was already granted with other parameters (catalog changed?); kept as granted',
        sessionId: session.id,
        packId: pack.id,
      })
      return { outcome: 'already_granted', account, units }
    }
    throw err
  }
}

/**
 * Why a paid metered session is never granted, or null when it is grantable: its pack left the
 * catalog, or (with `verifyAmount`) it was paid below the pack's price or in another currency.
 * The webhook and the success page both decide with this, so they cannot disagree.
 */
export function grantRefusal(
  config: StripeCreditsConfig,
  session: StripeCheckoutSession,
  pack: NormalizedPack | null,
): 'unknown_pack' | 'amount_mismatch' | null {
  if (!pack) return 'unknown_pack'
  if (config.verifyAmount && pack.unitAmount !== null && !coversPrice(paidAmount(session), pack)) {
    return 'amount_mismatch'
  }
  return null
}

/** What was paid, in the currency the session was created in (Adaptive Pricing may localise it). */
function paidAmount(session: StripeCheckoutSession): { amount: number | null; currency: string | null } {
  if (session.currency_conversion) {
    return {
      amount: session.currency_conversion.amount_total,
      currency: session.currency_conversion.source_currency.toLowerCase(),
    }
  }
  return { amount: session.amount_total, currency: session.currency?.toLowerCase() ?? null }
}

// Paying more (tax added on top) is fine; less, or another currency, means the session did not
// come from this catalog's price and granting would hand out unpaid credits.
function coversPrice(paid: { amount: number | null; currency: string | null }, pack: NormalizedPack): boolean {
  return paid.amount !== null && paid.currency === pack.currency && paid.amount >= (pack.unitAmount ?? 0)
}
