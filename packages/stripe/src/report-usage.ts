import { instantSchema, keySchema, parse, toEpoch } from '@metered/core/adapter'
import * as z from 'zod/mini'
import type { StripeMeterClient } from './stripe-client.js'
import { mapStripeError } from './stripe-errors.js'

/** What `reportUsage` takes: one Billing meter event. */
export interface ReportUsageInput {
  /** The `event_name` of the Billing meter, e.g. `'ai_credits'`. */
  eventName: string
  /** The Stripe customer billed for the usage. */
  customerId: string
  /** Usage to add to the meter: a positive safe integer (e.g. ledger units or tokens). */
  value: number
  /**
   * Unique id of this usage: Stripe counts an identifier once (within its dedup window), so
   * retrying a report is safe. Use your usage event id or debit idempotency key.
   * @default a random id (retries then count twice)
   */
  identifier?: string | undefined
  /** When the usage happened. @default now */
  timestamp?: number | Date | undefined
}

const inputSchema = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    eventName: z.string().check(z.minLength(1), z.maxLength(100)),
    customerId: z.string().check(z.minLength(1), z.maxLength(255)),
    value: z.number().check(z.refine((n) => Number.isSafeInteger(n) && n > 0, 'must be a positive safe integer')),
    identifier: z.optional(keySchema),
    timestamp: z.optional(instantSchema),
  }),
)

/**
 * Postpaid plans: adds usage to a Stripe Billing meter (`billing.meterEvents.create`), which the
 * customer's metered subscription price bills at the end of the period. Independent of the credit
 * packs: use it for customers who pay after use instead of (or as well as) buying credits.
 *
 * @example
 * await reportUsage(stripe, { eventName: 'ai_credits', customerId, value: charged, identifier: usageEventId })
 */
export async function reportUsage(stripe: StripeMeterClient, input: ReportUsageInput): Promise<{ identifier: string }> {
  const v = parse(inputSchema, input, 'usage report')
  const identifier = v.identifier ?? crypto.randomUUID()
  try {
    await stripe.billing.meterEvents.create(
      {
        event_name: v.eventName,
        identifier,
        payload: { stripe_customer_id: v.customerId, value: String(v.value) },
        ...(v.timestamp === undefined ? {} : { timestamp: Math.floor(toEpoch(v.timestamp) / 1000) }),
      },
      // The identifier already deduplicates on Stripe's side; the request key covers SDK retries.
      { idempotencyKey: `metered:meter:${identifier}` },
    )
  } catch (err) {
    throw mapStripeError(err, 'meter event')
  }
  return { identifier }
}
