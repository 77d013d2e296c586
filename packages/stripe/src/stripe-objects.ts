import { parse } from '@metered/core/adapter'
import * as z from 'zod/mini'
import type { StripeCharge, StripeCheckoutSession, StripeDispute } from './stripe-client.js'

// Signed events are authentic but their shape still varies across API versions; these schemas
// check just the fields the handlers read (everything else passes through), so a surprise in a
// payload fails loudly (500, Stripe retries) instead of granting from a half-understood object.

// Each builder makes a fresh schema; the parsers below build theirs on first use
// (docs/design.md, "Light bundles").
const expandable = () => z.optional(z.nullable(ref()))
const ref = () => z.union([z.string(), z.looseObject({ id: z.string() })])
const nonEmpty = () => z.string().check(z.minLength(1))

const refundShape = () => ({
  id: nonEmpty(),
  amount: z.number(),
  status: z.nullable(z.string()),
  created: z.number(),
})

const sessionSchema = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({
    id: nonEmpty(),
    status: z.nullable(z.string()),
    payment_status: z.string(),
    metadata: z.nullable(z.record(z.string(), z.string())),
    client_reference_id: z.optional(z.nullable(z.string())),
    amount_total: z.nullable(z.number()),
    currency: z.nullable(z.string()),
    currency_conversion: z.optional(
      z.nullable(z.looseObject({ amount_total: z.number(), source_currency: z.string() })),
    ),
    created: z.number(),
    payment_intent: expandable(),
    customer: expandable(),
  }),
)

/** A refund as `charge.refund.updated` carries it: the refund and what it refunded. */
const refundEventSchema = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({ ...refundShape(), charge: ref(), payment_intent: expandable() }),
)

const refundsSchema = /* @__PURE__ */ z.lazy(() => z.array(z.looseObject(refundShape())))

const chargeSchema = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({
    id: nonEmpty(),
    amount: z.number(),
    amount_refunded: z.number(),
    currency: z.string(),
    payment_intent: expandable(),
    invoice: expandable(),
    refunds: z.optional(
      z.nullable(z.looseObject({ data: z.array(z.looseObject(refundShape())), has_more: z.boolean() })),
    ),
  }),
)

const disputeSchema = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({
    id: nonEmpty(),
    charge: ref(),
    payment_intent: expandable(),
  }),
)

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

export function parseRefunds(value: unknown): z.output<typeof refundsSchema> {
  return parse(refundsSchema, value, 'Stripe refunds')
}
