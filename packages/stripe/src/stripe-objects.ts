import { parse } from '@metered/core/adapter'
import { z } from 'zod'
import type { StripeCharge, StripeCheckoutSession, StripeDispute } from './stripe-client.js'

// Signed events are authentic but their shape still varies across API versions; these schemas
// check just the fields the handlers read (everything else passes through), so a surprise in a
// payload fails loudly (500, Stripe retries) instead of granting from a half-understood object.

const expandable = z
  .union([z.string(), z.looseObject({ id: z.string() })])
  .nullable()
  .optional()

const sessionSchema = z.looseObject({
  id: z.string().min(1),
  status: z.string().nullable(),
  payment_status: z.string(),
  metadata: z.record(z.string(), z.string()).nullable(),
  client_reference_id: z.string().nullable().optional(),
  amount_total: z.number().nullable(),
  currency: z.string().nullable(),
  currency_conversion: z.looseObject({ amount_total: z.number(), source_currency: z.string() }).nullable().optional(),
  created: z.number(),
  payment_intent: expandable,
  customer: expandable,
})

const refundSchema = z.looseObject({
  id: z.string().min(1),
  amount: z.number(),
  status: z.string().nullable(),
  created: z.number(),
})

/** A refund as `charge.refund.updated` carries it: the refund and what it refunded. */
const refundEventSchema = refundSchema.extend({
  charge: z.union([z.string(), z.looseObject({ id: z.string() })]),
  payment_intent: expandable,
})

const chargeSchema = z.looseObject({
  id: z.string().min(1),
  amount: z.number(),
  amount_refunded: z.number(),
  currency: z.string(),
  payment_intent: expandable,
  refunds: z
    .looseObject({ data: z.array(refundSchema), has_more: z.boolean() })
    .nullable()
    .optional(),
})

const disputeSchema = z.looseObject({
  id: z.string().min(1),
  charge: z.union([z.string(), z.looseObject({ id: z.string() })]),
  payment_intent: expandable,
})

export function parseSession(value: unknown): StripeCheckoutSession {
  return parse(sessionSchema, value, 'Stripe Checkout Session') as StripeCheckoutSession
}

export function parseCharge(value: unknown): StripeCharge {
  return parse(chargeSchema, value, 'Stripe charge') as StripeCharge
}

export function parseDispute(value: unknown): StripeDispute {
  return parse(disputeSchema, value, 'Stripe dispute') as StripeDispute
}

export function parseRefundEvent(value: unknown): z.output<typeof refundEventSchema> {
  return parse(refundEventSchema, value, 'Stripe refund')
}

export function parseRefunds(value: unknown): z.output<typeof refundSchema>[] {
  return parse(z.array(refundSchema), value, 'Stripe refunds')
}
