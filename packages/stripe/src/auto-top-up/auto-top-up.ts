import { ValidationError } from '@metered/core'
import { accountSchema, parse } from '@metered/core/adapter'
import type { AutoTopUpSettingsBody } from '@metered/core/http'
import * as z from 'zod/mini'
import type { StripeCreditsConfig } from '../config.js'
import { stripeIdempotencyKey } from '../idempotency-key.js'
import { META_ACCOUNT, META_PACK, META_TOP_UP } from '../keys.js'
import { mapStripeError } from '../stripe-errors.js'
import type { AutoTopUpSettingsInput } from './options.js'
import { settingsInputSchema } from './options.js'
import type { AutoTopUpRecord, TopUpPauseReason } from './store.js'

/** What `check` did. Only `charged` started a payment; the grant comes with its webhook. */
export type TopUpCheckOutcome =
  | { outcome: 'charged'; paymentIntentId: string; packId: string }
  /** Not below the threshold, not enabled, paused, capped for the period, or another request claimed it. */
  | { outcome: 'not_claimed' }
  /** The charge was refused (declined, authentication required, no saved card): paused, an `onEvent`. */
  | { outcome: 'paused'; reason: TopUpPauseReason }
  /** Stripe was unreachable; the claim stays open and is retried after `retryAfter`. An `onError`. */
  | { outcome: 'retry_later' }

/** Automatic top-up of `createStripeCredits({ autoTopUp })`: check after spending, read and save settings. */
export interface AutoTopUp {
  /**
   * Call after spending (a settle's or debit's `available`, or none to read the balance): if the
   * account's available credits are below its threshold, claims the top-up (once per crossing
   * however many requests call at the same time) and charges the saved card off-session. Never
   * throws for Stripe's answer: failures are outcomes and hooks, so a metered call is not failed
   * by its top-up.
   * @throws ValidationError for a malformed account
   */
  check(account: string, options?: { available?: number }): Promise<TopUpCheckOutcome>
  /** The account's settings, as the settings route answers them. */
  settings(account: string): Promise<AutoTopUpSettingsBody>
  /**
   * Saves the account's settings (enabling clears a pause).
   * @throws ValidationError for a bad threshold or a pack that cannot be charged off-session
   */
  configure(account: string, input: AutoTopUpSettingsInput): Promise<AutoTopUpSettingsBody>
}

const accountOnly = /* @__PURE__ */ z.lazy(() => z.strictObject({ account: accountSchema }))

export function createAutoTopUp(config: StripeCreditsConfig): AutoTopUp {
  const top = config.autoTopUp
  if (!top) throw new Error('unreachable: createAutoTopUp without the autoTopUp option')
  const body = (record: AutoTopUpRecord | null): AutoTopUpSettingsBody =>
    record
      ? {
          enabled: record.enabled,
          threshold: config.credits.toCredits(record.thresholdUnits),
          packId: record.packId,
          paused: record.paused,
        }
      : { enabled: false, threshold: 0, packId: null, paused: null }

  return {
    async check(account, options = {}) {
      parse(accountOnly, { account }, 'auto top-up')
      const available = options.available ?? (await config.ledger.balance(account)).available
      const now = Date.now()
      const claim = await top.store.claim(account, {
        available,
        now,
        periodStart: Math.floor(now / top.periodMs) * top.periodMs,
        maxPerPeriod: top.maxPerPeriod,
        staleBefore: now - top.retryAfterMs,
      })
      if (!claim) return { outcome: 'not_claimed' }
      const pause = async (reason: TopUpPauseReason, paymentIntentId: string | null) => {
        await top.store.close(account, claim.seq, reason)
        config.report.event({ type: 'top_up_failed', account, reason, packId: claim.packId, paymentIntentId })
        return { outcome: 'paused', reason } as const
      }

      const pack = config.catalog.get(claim.packId)
      if (!pack?.active || pack.unitAmount === null || pack.currency === null) return pause('unknown_pack', null)
      const customer = await config.customers?.get(account)
      if (!customer) return pause('no_payment_method', null)
      try {
        const methods = await top.stripe.paymentMethods.list({ customer, limit: 1 })
        const method = methods.data[0]?.id
        if (!method) return pause('no_payment_method', null)
        const metadata = { [META_ACCOUNT]: account, [META_PACK]: pack.id, [META_TOP_UP]: String(claim.seq) }
        const intent = await top.stripe.paymentIntents.create(
          {
            amount: pack.unitAmount,
            currency: pack.currency,
            customer,
            payment_method: method,
            off_session: true,
            confirm: true,
            description: pack.name,
            metadata,
          },
          // One key per claim: a retaken claim asks Stripe again under it and gets the same intent.
          { idempotencyKey: await stripeIdempotencyKey('metered:top-up', account, String(claim.seq)) },
        )
        return { outcome: 'charged', paymentIntentId: intent.id, packId: pack.id }
      } catch (err) {
        const refusal = cardRefusal(err)
        if (refusal) return pause(refusal.reason, refusal.paymentIntentId)
        config.report.error(mapStripeError(err, 'auto top-up'), {
          message: 'auto top-up charge failed; retried after retryAfter',
          account,
          packId: pack.id,
          seq: claim.seq,
        })
        return { outcome: 'retry_later' }
      }
    },

    async settings(account) {
      parse(accountOnly, { account }, 'auto top-up settings')
      return body(await top.store.get(account))
    },

    async configure(account, input) {
      parse(accountOnly, { account }, 'auto top-up settings')
      const v = parse(settingsInputSchema, input, 'auto top-up settings')
      const pack = config.catalog.get(v.packId)
      if (!pack?.active || pack.unitAmount === null) {
        const message = pack?.active
          ? 'is sold by a Stripe price id only; auto top-up needs unitAmount'
          : 'unknown pack'
        throw new ValidationError([{ path: 'packId', message: `${message} ("${v.packId}")` }], 'auto top-up settings')
      }
      const thresholdUnits = config.credits.toUnits(v.threshold, { path: 'threshold' })
      return body(await top.store.configure(account, { enabled: v.enabled, thresholdUnits, packId: pack.id }))
    },
  }
}

/** A card refusal of an off-session charge (Stripe answers 402 `card_error`), or null for anything else. */
function cardRefusal(err: unknown): { reason: TopUpPauseReason; paymentIntentId: string | null } | null {
  const e = err as { type?: unknown; code?: unknown; payment_intent?: { id?: unknown } | null } | null
  if (e?.type !== 'StripeCardError') return null
  const paymentIntentId = typeof e.payment_intent?.id === 'string' ? e.payment_intent.id : null
  return { reason: e.code === 'authentication_required' ? 'authentication_required' : 'card_declined', paymentIntentId }
}
