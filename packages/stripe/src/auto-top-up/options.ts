import type { Duration } from '@metered/core'
import { durationSchema } from '@metered/core/adapter'
import * as z from 'zod/mini'
import type { AutoTopUpStore } from './store.js'

/** The `autoTopUp` option of `createStripeCredits`. */
export interface AutoTopUpOptions {
  /** Where each account's settings and claims live: memory, Postgres or Redis. */
  store: AutoTopUpStore
  /**
   * At most this many top-ups per account in one period; a declined one counts.
   * @default 3
   */
  maxPerPeriod?: number
  /**
   * The period `maxPerPeriod` counts in: fixed windows of this length since the epoch.
   * @default '30 d'
   */
  period?: Duration
  /**
   * An open claim whose webhook has not come after this long is retaken by the next request that
   * sees the balance low, and its charge retried under the same Stripe idempotency key (so Stripe
   * answers with the first PaymentIntent if it was created). Covers Stripe being unreachable.
   * @default '15 m'
   */
  retryAfter?: Duration
}

export const autoTopUpOptionsSchema = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    store: z.custom<AutoTopUpStore>(
      (v: unknown) =>
        typeof v === 'object' &&
        v !== null &&
        ['get', 'configure', 'claim', 'close'].every((m) => typeof (v as Record<string, unknown>)[m] === 'function'),
      'must be an auto top-up store (get, configure, claim, close)',
    ),
    maxPerPeriod: z.optional(z.int().check(z.gte(1), z.lte(1000))),
    period: z.optional(durationSchema),
    retryAfter: z.optional(durationSchema),
  }),
)

/** What a user may set (the HTTP route's body): credits in the app's unit. */
export interface AutoTopUpSettingsInput {
  enabled: boolean
  /** Top up when available credits fall below this. */
  threshold: number
  /** A pack of the catalog with `unitAmount` and `currency` (an off-session charge needs an amount). */
  packId: string
}

export const settingsInputSchema = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    enabled: z.boolean(),
    threshold: z.number().check(z.gte(0)),
    packId: z.string().check(z.minLength(1), z.maxLength(64)),
  }),
)
