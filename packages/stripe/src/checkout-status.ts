import { isMeteredError } from '@metered/core'
import { accountSchema, keySchema, parse } from '@metered/core/adapter'
import type { CheckoutStatusBody } from '@metered/core/http'
import * as z from 'zod/mini'
import type { StripeCreditsConfig } from './config.js'
import { findGrantBy, findSessionGrant } from './find-grant.js'
import { grantRefusal, meteredTarget } from './fulfil.js'
import { META_ACCOUNT } from './keys.js'
import { publicPack } from './packs.js'
import { isPlanSession } from './plan-grant.js'
import { GRANT_META_SUBSCRIPTION, META_PLAN } from './plan-keys.js'
import { publicPlan } from './plans.js'
import type { StripeCheckoutSession } from './stripe-client.js'
import { mapStripeError } from './stripe-errors.js'
import { parseSession } from './stripe-objects.js'

/** What the success page shows: the `CheckoutStatusBody` of the HTTP contract. */
export type CheckoutStatus = CheckoutStatusBody

const inputSchema = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    // clean text within the id length: a NUL or a lone surrogate never reaches Stripe's URL
    sessionId: keySchema,
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
  if (isPlanSession(session)) return planCheckoutStatus(config, session, v.account, notFound)
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

/**
 * A subscription checkout's status: the session's own (expired, unpaid, processing) until its
 * subscription's first invoice is granted (`granted`). The grant is found by the subscription id
 * the invoice grant stores, so a plan session never reads as a pack's.
 */
async function planCheckoutStatus(
  config: StripeCreditsConfig,
  session: StripeCheckoutSession,
  account: string,
  notFound: CheckoutStatus,
): Promise<CheckoutStatus> {
  if (session.metadata?.[META_ACCOUNT] !== account) return notFound
  const planned = config.plans?.byId.get(session.metadata[META_PLAN] ?? '') ?? null
  const plan = planned ? publicPlan(planned) : null
  const base = { sessionId: session.id, credits: plan?.credits ?? 0, pack: null, plan }
  if (session.status === 'expired') return { status: 'expired', ...base }
  if (session.payment_status !== 'paid') {
    return { status: session.status === 'complete' ? 'processing' : 'unpaid', ...base }
  }
  const subscription = refId((session as { subscription?: unknown }).subscription)
  const grant = subscription ? await findGrantBy(config.ledger, account, GRANT_META_SUBSCRIPTION, subscription) : null
  return { status: grant ? 'granted' : 'processing', ...base }
}

/** The id of an expandable Stripe reference (`'sub_123'` or `{ id: 'sub_123' }`), or null. */
function refId(value: unknown): string | null {
  if (typeof value === 'string' && value.length > 0) return value
  const id = (value as { id?: unknown } | null)?.id
  return typeof id === 'string' && id.length > 0 ? id : null
}
