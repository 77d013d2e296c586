import { parse } from '@metered/core/adapter'
import * as z from 'zod/mini'

// Signed events are authentic, but where an invoice keeps its subscription, its metadata and each
// line's price moved in API version 2025-03-31 (`parent.subscription_details`, `pricing.price_details`).
// Both shapes are read; only the fields the plan handlers use are checked, the rest passes through.

/** One line of an invoice, as the plan handlers read it. */
export interface InvoiceLine {
  /** The Stripe price billed on this line, or null (an invoice item without a price). */
  price: string | null
  quantity: number
  /** A proration (a plan changed mid-period), not the period's own charge. */
  proration: boolean
  /** End of the period the line pays for, Unix seconds. */
  periodEnd: number
}

/** An invoice, as the plan handlers read it. */
export interface PlanInvoice {
  id: string
  /** `'draft' | 'open' | 'paid' | 'uncollectible' | 'void'`, or null when the event leaves it out. */
  status: string | null
  /** `'subscription_create' | 'subscription_cycle' | 'subscription_update' | 'manual' | ...` */
  billingReason: string | null
  subscription: string | null
  customer: string | null
  /** The subscription's metadata (metered puts the account there at checkout). */
  metadata: Record<string, string>
  amountPaid: number | null
  currency: string | null
  attemptCount: number | null
  /** When Stripe retries a failed payment next, Unix seconds, or null when it will not. */
  nextPaymentAttempt: number | null
  /** The lines the event carries (Stripe embeds the first ten: a plan's own line is among them). */
  lines: InvoiceLine[]
}

const idOrObject = () => z.optional(z.nullable(z.union([z.string(), z.looseObject({ id: z.string() })])))
const stringRecord = () => z.optional(z.nullable(z.record(z.string(), z.string())))

const invoiceSchema = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({
    id: z.string().check(z.minLength(1)),
    status: z.optional(z.nullable(z.string())),
    billing_reason: z.optional(z.nullable(z.string())),
    customer: idOrObject(),
    subscription: idOrObject(),
    subscription_details: z.optional(z.nullable(z.looseObject({ metadata: stringRecord() }))),
    parent: z.optional(
      z.nullable(
        z.looseObject({
          subscription_details: z.optional(
            z.nullable(z.looseObject({ subscription: idOrObject(), metadata: stringRecord() })),
          ),
        }),
      ),
    ),
    amount_paid: z.optional(z.nullable(z.number())),
    currency: z.optional(z.nullable(z.string())),
    attempt_count: z.optional(z.nullable(z.number())),
    next_payment_attempt: z.optional(z.nullable(z.number())),
    lines: z.looseObject({
      data: z.array(
        z.looseObject({
          quantity: z.optional(z.nullable(z.number())),
          period: z.looseObject({ start: z.number(), end: z.number() }),
          proration: z.optional(z.nullable(z.boolean())),
          price: idOrObject(),
          pricing: z.optional(
            z.nullable(
              z.looseObject({ price_details: z.optional(z.nullable(z.looseObject({ price: idOrObject() }))) }),
            ),
          ),
          parent: z.optional(
            z.nullable(
              z.looseObject({
                subscription_item_details: z.optional(
                  z.nullable(z.looseObject({ proration: z.optional(z.nullable(z.boolean())) })),
                ),
              }),
            ),
          ),
        }),
      ),
    }),
  }),
)

const subscriptionSchema = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({
    id: z.string().check(z.minLength(1)),
    status: z.string(),
    customer: idOrObject(),
    metadata: stringRecord(),
  }),
)

function idOf(v: string | { id: string } | null | undefined): string | null {
  if (v == null) return null
  return typeof v === 'string' ? v : v.id
}

export function parseInvoice(value: unknown): PlanInvoice {
  const v = parse(invoiceSchema, value, 'Stripe invoice')
  const details = v.parent?.subscription_details
  return {
    id: v.id,
    status: v.status ?? null,
    billingReason: v.billing_reason ?? null,
    subscription: idOf(details?.subscription) ?? idOf(v.subscription),
    customer: idOf(v.customer),
    metadata: { ...(v.subscription_details?.metadata ?? {}), ...(details?.metadata ?? {}) },
    amountPaid: v.amount_paid ?? null,
    currency: v.currency?.toLowerCase() ?? null,
    attemptCount: v.attempt_count ?? null,
    nextPaymentAttempt: v.next_payment_attempt ?? null,
    lines: v.lines.data.map((line) => ({
      price: idOf(line.pricing?.price_details?.price) ?? idOf(line.price),
      quantity: line.quantity ?? 1,
      proration: (line.parent?.subscription_item_details?.proration ?? line.proration) === true,
      periodEnd: line.period.end,
    })),
  }
}

/** A subscription, as `customer.subscription.deleted` carries it. */
export interface PlanSubscription {
  id: string
  status: string
  customer: string | null
  metadata: Record<string, string>
}

export function parseSubscription(value: unknown): PlanSubscription {
  const v = parse(subscriptionSchema, value, 'Stripe subscription')
  return { id: v.id, status: v.status, customer: idOf(v.customer), metadata: v.metadata ?? {} }
}
