import { accountSchema, NotFoundError, parse } from '@metered/core'
import { z } from 'zod'
import type { StripeCreditsConfig } from './config.js'
import { findSessionGrant } from './find-grant.js'
import { meteredTarget } from './fulfil.js'
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
   */
  status: 'granted' | 'processing' | 'unpaid' | 'expired'
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
 * does), so a forged or replayed success URL gains nothing. A session of another account is
 * reported as not found, exactly like a session that does not exist.
 */
export async function checkoutStatus(
  config: StripeCreditsConfig,
  sessionId: string,
  options: { account: string },
): Promise<CheckoutStatus> {
  const v = parse(inputSchema, { sessionId, account: options.account }, 'checkout status')
  let session: StripeCheckoutSession
  try {
    session = parseSession(await config.stripe.checkout.sessions.retrieve(v.sessionId))
  } catch (err) {
    throw mapStripeError(err, 'Checkout Session')
  }
  const target = meteredTarget(config, session)
  if (!target || target.account !== v.account) throw new NotFoundError('Checkout Session')

  const pack = target.pack ? publicPack(target.pack) : null
  const credits = pack ? pack.credits + pack.bonus : 0
  const base = { sessionId: session.id, credits, pack }
  if (session.status === 'expired') return { status: 'expired', ...base }
  if (session.payment_status !== 'paid') {
    // A complete but unpaid session is an async payment (SEPA, ACH) on its way.
    return { status: session.status === 'complete' ? 'processing' : 'unpaid', ...base }
  }
  const grant = await findSessionGrant(config.ledger, v.account, session.id)
  return { status: grant ? 'granted' : 'processing', ...base }
}
