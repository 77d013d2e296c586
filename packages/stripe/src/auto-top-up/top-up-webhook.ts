import { parse } from '@metered/core/adapter'
import * as z from 'zod/mini'
import type { StripeCreditsConfig } from '../config.js'
import { META_ACCOUNT, META_PACK, META_TOP_UP, topUpKey } from '../keys.js'
import { isIdempotencyConflict } from '../ledger-errors.js'

export type TopUpWebhookOutcome =
  | 'granted'
  | 'already_granted'
  | 'top_up_failed'
  | 'unknown_pack'
  | 'amount_mismatch'
  | 'ignored'

const intentSchema = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({
    id: z.string().check(z.minLength(1)),
    status: z.optional(z.string()),
    amount_received: z.number(),
    currency: z.string(),
    created: z.number(),
    metadata: z.nullable(z.record(z.string(), z.string())),
    last_payment_error: z.optional(z.nullable(z.looseObject({ code: z.optional(z.nullable(z.string())) }))),
  }),
)

/** An auto top-up's PaymentIntent: the intent, and the account, pack and claim its metadata names. */
export interface TopUpIntent {
  intent: z.output<typeof intentSchema>
  account: string
  packId: string
  seq: number
}

/** The auto top-up a PaymentIntent charged, or null when `check` did not create it. */
export function parseTopUpIntent(object: unknown): TopUpIntent | null {
  const intent = parse(intentSchema, object, 'Stripe PaymentIntent')
  const account = intent.metadata?.[META_ACCOUNT]
  const packId = intent.metadata?.[META_PACK]
  const seq = Number(intent.metadata?.[META_TOP_UP])
  if (!account || !packId || !Number.isSafeInteger(seq)) return null
  return { intent, account, packId, seq }
}

/**
 * `payment_intent.succeeded` and `payment_intent.payment_failed` of an auto top-up (the intent's
 * metadata names the account, pack and claim). The grant is keyed by the intent
 * (`stripe:top-up:<pi>`), so redeliveries replay it; the claim closes only if it is still the
 * intent's, so a late or out-of-order event of an older top-up changes nothing.
 */
export async function handleTopUpIntent(
  config: StripeCreditsConfig,
  type: 'payment_intent.succeeded' | 'payment_intent.payment_failed',
  object: unknown,
): Promise<TopUpWebhookOutcome> {
  const top = config.autoTopUp
  const topUp = parseTopUpIntent(object)
  if (!top || !topUp) return 'ignored'
  const { intent, account, packId, seq } = topUp

  if (type === 'payment_intent.payment_failed') {
    const reason =
      intent.last_payment_error?.code === 'authentication_required' ? 'authentication_required' : 'card_declined'
    // Only the first failure of the open claim pauses and reports; `check` may already have.
    if (await top.store.close(account, seq, reason)) {
      config.report.event({ type: 'top_up_failed', account, reason, packId, paymentIntentId: intent.id })
    }
    return 'top_up_failed'
  }

  const pack = config.catalog.get(packId)
  const refused = !pack
    ? 'unknown_pack'
    : intent.currency.toLowerCase() !== pack.currency || intent.amount_received < (pack.unitAmount ?? Infinity)
      ? 'amount_mismatch'
      : null
  if (refused || !pack) {
    await top.store.close(account, seq, null)
    config.report.event({
      type: 'top_up_refused',
      reason: refused ?? 'unknown_pack',
      account,
      packId,
      paymentIntentId: intent.id,
    })
    return refused ?? 'unknown_pack'
  }
  let replayed: boolean
  try {
    const result = await config.ledger.grant({
      account,
      amount: pack.units,
      source: 'auto_top_up',
      expiresAt: pack.expiresInMs === null ? null : intent.created * 1000 + pack.expiresInMs,
      idempotencyKey: topUpKey(intent.id),
      metadata: {
        stripePaymentIntentId: intent.id,
        packId: pack.id,
        amountPaid: intent.amount_received,
        currency: intent.currency.toLowerCase(),
      },
    })
    replayed = result.replayed
  } catch (err) {
    if (!isIdempotencyConflict(err)) throw err
    replayed = true
  }
  // After the grant: if closing fails, Stripe retries, the grant replays and the close runs again.
  await top.store.close(account, seq, null)
  return replayed ? 'already_granted' : 'granted'
}
