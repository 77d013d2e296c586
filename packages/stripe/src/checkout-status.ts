import { accountSchema, isMeteredError, parse } from '@metered/core'
import { z } from 'zod'
import type { StripeCreditsConfig } from './config.js'
import { findSessionGrant } from './find-grant.js'
import { grantRefusal, meteredTarget } from './fulfil.js'
import { type PublicPack, publicPack } from './packs.js'
import type { StripeCheckoutSession } from './stripe-client.js'
import { mapStripeError } from './stripe-errors.js'
import { parseSession } from './stripe-objects.js'

export interface CheckoutStatus {
  /**
   * - `granted`: the credits are in the account.
   * - `processing`: paid or payment pending (bank debits take days); the webhook has not granted yet.
   * - `unpaid`: the session is still open (the buyer came back without paying).
   * - `expired`: the session expired unpaid.
   * - `refused`: paid, but the webhook refuses to grant it (see `reason`); an operator has to look.
   * - `not_found`: no such session for this account. A session of another account, one that does
   *   not exist and one this package did not create all answer exactly this (`credits: 0`,
   *   `pack: null`), so the page tells nothing about other accounts.
   */
  status: 'granted' | 'processing' | 'unpaid' | 'expired' | 'refused' | 'not_found'
  /** With `refused`: the amount paid is below the pack's price, or the pack left the catalog. */
  reason?: 'amount_mismatch' | 'unknown_pack'
  sessionId: string
  /** Credits of the pack, bonus included. */
  credits: number
  pack: PublicPack | null
}

const inputSchema = z.strictObject({
  sessionId: z.string().min(1).max(255),
  account: accountSchema,
})

/**
 * What the /checkout/success page shows. Read-only: it never grants (only a verified webhook
 * does), so a forged or replayed success URL gains nothing.
 * @throws ValidationError for a malformed session id or account
 * @throws StoreUnavailableError when Stripe is down
 */
export async function checkoutStatus(
  config: StripeCreditsConfig,
  sessionId: string,
  options: { account: string },
): Promise<CheckoutStatus> {
  const v = parse(inputSchema, { sessionId, account: options.account }, 'checkout status')
  const notFound: CheckoutStatus = { status: 'not_found', sessionId: v.sessionId, credits: 0, pack: null }
  let session: StripeCheckoutSession
  try {
    session = parseSession(await config.stripe.checkout.sessions.retrieve(v.sessionId))
  } catch (err) {
    const mapped = mapStripeError(err, 'Checkout Session')
    if (isMeteredError(mapped) && mapped.code === 'not_found') return notFound
    throw mapped
  }
  const target = meteredTarget(config, session)
  if (!target || target.account !== v.account) return notFound

  const pack = target.pack ? publicPack(target.pack) : null
  const credits = pack ? pack.credits + pack.bonus : 0
  const base = { sessionId: session.id, credits, pack }
  if (session.status === 'expired') return { status: 'expired', ...base }
  if (session.payment_status !== 'paid') {
    // A complete but unpaid session is an async payment (SEPA, ACH) on its way.
    return { status: session.status === 'complete' ? 'processing' : 'unpaid', ...base }
  }
  const grant = await findSessionGrant(config.ledger, v.account, session.id)
  if (grant) return { status: 'granted', ...base }
  // The webhook's own rule, applied to the same session: what it refused never becomes granted,
  // so "processing" would be a page that polls forever.
  const refusal = grantRefusal(config, session, target.pack)
  return refusal ? { status: 'refused', reason: refusal, ...base } : { status: 'processing', ...base }
}
