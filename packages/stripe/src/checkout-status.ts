import { isMeteredError } from '@metered/core'
import { accountSchema, parse } from '@metered/core/adapter'
import type { CheckoutStatusBody } from '@metered/core/http'
import * as z from 'zod/mini'
import type { StripeCreditsConfig } from './config.js'
import { findSessionGrant } from './find-grant.js'
import { grantRefusal, meteredTarget } from './fulfil.js'
import { publicPack } from './packs.js'
import type { StripeCheckoutSession } from './stripe-client.js'
import { mapStripeError } from './stripe-errors.js'
import { parseSession } from './stripe-objects.js'

/** What the success page shows: the `CheckoutStatusBody` of the HTTP contract. */
export type CheckoutStatus = CheckoutStatusBody

const inputSchema = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    sessionId: z.string().check(z.minLength(1), z.maxLength(255)),
    account: accountSchema,
  }),
)

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
