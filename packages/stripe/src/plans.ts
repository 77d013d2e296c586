import { type Credits, isMeteredError, ValidationError } from '@metered/core'
import { parse } from '@metered/core/adapter'
import type { PlanBody } from '@metered/core/http'
import * as z from 'zod/mini'

/**
 * One subscription plan of the server-side catalog. Each paid invoice of a subscription to the
 * plan grants `credits` (times the line's quantity), expiring at the end of the period paid for.
 * The browser only ever sends a plan id; the price and the credits are decided here, and the
 * webhook recognises the plan by the Stripe price on the invoice, never by anything the client sent.
 *
 * @example
 * { id: 'pro', credits: 20_000, price: 'price_1Q...', unitAmount: 2000, currency: 'usd', interval: 'month' }
 */
export interface CreditPlan {
  /** Stable id the client sends. Letters, digits and `_.:-`, up to 64. */
  id: string
  /** Credits granted per paid period, in the metered instance's unit (whole ledger units). */
  credits: number
  /**
   * The plan's recurring Stripe Price id (`price_...`). Required: invoices name their price, and a
   * plan changed in the customer portal is recognised by it.
   */
  price: string
  /** Price per period in the currency's minor unit (cents), shown on the pricing page only. */
  unitAmount?: number
  /** Three-letter ISO currency code, lower case. Goes with `unitAmount`. */
  currency?: string
  /** Billing period of the price, shown on the pricing page only. @default 'month' */
  interval?: 'day' | 'week' | 'month' | 'year'
  /** Display name. @default `${credits} credits / ${interval}` */
  name?: string
  description?: string
  /**
   * Inactive plans are no longer sold (`subscribe` refuses them), but invoices of existing
   * subscriptions to them still grant. Retire a plan this way rather than deleting it.
   * @default true
   */
  active?: boolean
}

/** A plan after validation, with its defaults applied and its credits in ledger units. */
export interface NormalizedPlan {
  id: string
  credits: number
  price: string
  unitAmount: number | null
  currency: string | null
  interval: 'day' | 'week' | 'month' | 'year'
  name: string
  description: string | null
  active: boolean
  units: number
}

/** A plan as the pricing page shows it: the `PlanBody` of the HTTP contract, no Stripe ids. */
export type PublicPlan = PlanBody

/** The plans by id (checkout) and by Stripe price id (invoices). */
export interface PlanCatalog {
  byId: Map<string, NormalizedPlan>
  byPrice: Map<string, NormalizedPlan>
}

const plansSchema = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    plans: z
      .array(
        z
          .strictObject({
            id: z.string().check(z.minLength(1), z.maxLength(64), z.regex(/^[A-Za-z0-9_.:-]+$/)),
            credits: z.number().check(z.refine((n) => Number.isFinite(n) && n > 0, 'must be a positive number')),
            price: z.string().check(z.minLength(1), z.maxLength(255)),
            unitAmount: z.optional(z.int().check(z.gte(0), z.lte(99_999_999))),
            currency: z.optional(z.string().check(z.regex(/^[a-zA-Z]{3}$/, 'must be a three-letter ISO code'))),
            interval: z.optional(z.enum(['day', 'week', 'month', 'year'])),
            name: z.optional(z.string().check(z.minLength(1), z.maxLength(250))),
            description: z.optional(z.string().check(z.minLength(1), z.maxLength(500))),
            active: z.optional(z.boolean()),
          })
          .check(
            z.refine((p) => (p.unitAmount === undefined) === (p.currency === undefined), {
              message: 'unitAmount and currency go together',
              path: ['currency'],
            }),
          ),
      )
      .check(z.minLength(1), z.maxLength(100)),
  }),
)

/**
 * Validates the plans option and indexes it. Ids and prices must be unique: an invoice's price
 * names exactly one plan, so the credits it grants cannot depend on the catalog's order.
 */
export function buildPlanCatalog(plans: unknown, credits: Credits): PlanCatalog {
  const v = parse(plansSchema, { plans }, 'Stripe credits config')
  const byId = new Map<string, NormalizedPlan>()
  const byPrice = new Map<string, NormalizedPlan>()
  const issues: { path: string; message: string }[] = []
  v.plans.forEach((p, i) => {
    if (byId.has(p.id)) issues.push({ path: `plans.${i}.id`, message: `duplicate plan id "${p.id}"` })
    if (byPrice.has(p.price)) issues.push({ path: `plans.${i}.price`, message: `price "${p.price}" names two plans` })
    let units = 0
    try {
      units = credits.toUnits(p.credits, { exact: true, path: `plans.${i}.credits` })
    } catch (error) {
      if (!isMeteredError(error) || error.code !== 'validation_error') throw error
      issues.push(...(error as ValidationError).issues)
    }
    const interval = p.interval ?? 'month'
    const plan: NormalizedPlan = {
      id: p.id,
      credits: p.credits,
      price: p.price,
      unitAmount: p.unitAmount ?? null,
      currency: p.currency?.toLowerCase() ?? null,
      interval,
      name: p.name ?? `${p.credits.toLocaleString('en-US')} credits / ${interval}`,
      description: p.description ?? null,
      active: p.active ?? true,
      units,
    }
    byId.set(p.id, plan)
    byPrice.set(p.price, plan)
  })
  if (issues.length > 0) throw new ValidationError(issues, 'Stripe credits config')
  return { byId, byPrice }
}

export function publicPlan(p: NormalizedPlan): PublicPlan {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    credits: p.credits,
    unitAmount: p.unitAmount,
    currency: p.currency,
    interval: p.interval,
  }
}
