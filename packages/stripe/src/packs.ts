import { type Credits, type Duration, isMeteredError, toMs, ValidationError } from '@metered/core'
import { durationSchema } from '@metered/core/adapter'
import type { PackBody } from '@metered/core/http'
import * as z from 'zod/mini'

/**
 * One credit pack of the server-side catalog. The browser only ever sends a pack id; what the
 * pack costs and how many credits it grants is decided here.
 *
 * @example
 * { id: 'pack-5', credits: 5_050, unitAmount: 500, currency: 'usd', name: '5,050 credits' }
 * { id: 'pack-10', credits: 11_000, price: 'price_1Q...' }
 */
export interface CreditPack {
  /** Stable id the client sends and Stripe metadata carries. Letters, digits and `_.:-`, up to 64. */
  id: string
  /** Credits granted, in the metered instance's unit: fractions are allowed when they are whole ledger units. */
  credits: number
  /**
   * Extra credits granted with the pack, shown separately on the pricing page.
   * @default 0
   */
  bonus?: number
  /** A Stripe Price id (`price_...`) for a one-time price. Give this or `unitAmount` + `currency`. */
  price?: string
  /**
   * Amount in the currency's minor unit (cents), for an inline price. With `price` it is optional and
   * only used to verify what was paid and to display the pack.
   */
  unitAmount?: number
  /** Three-letter ISO currency code, lower case, e.g. `'usd'`. Required with `unitAmount`. */
  currency?: string
  /**
   * Product name on the Checkout page (inline prices) and in the catalog.
   * @default `${credits + bonus} credits`
   */
  name?: string
  description?: string
  /**
   * The granted credits expire this long after the Checkout Session was created, e.g. `'365 d'`.
   * @default never
   */
  expiresIn?: Duration
  /**
   * Inactive packs are no longer sold (checkout refuses them) but webhooks for sessions created
   * while they were active still grant. Retire a pack this way rather than deleting it.
   * @default true
   */
  active?: boolean
}

/** A pack after validation, with its defaults applied. */
export interface NormalizedPack {
  id: string
  credits: number
  bonus: number
  price: string | null
  unitAmount: number | null
  currency: string | null
  name: string
  description: string | null
  expiresInMs: number | null
  active: boolean
  /** Ledger units granted: credits + bonus, in the metered instance's unit. */
  units: number
}

/** One pack of the catalog, built on first use (docs/design.md, "Light bundles"). */
export const packSchema = /* @__PURE__ */ z.lazy(() =>
  z
    .strictObject({
      id: z
        .string()
        .check(z.minLength(1), z.maxLength(64), z.regex(/^[A-Za-z0-9_.:-]+$/, 'use letters, digits and _ . : -')),
      credits: z.number().check(z.positive()),
      bonus: z.optional(z.number().check(z.gte(0))),
      price: z.optional(z.string().check(z.minLength(1), z.maxLength(255))),
      unitAmount: z.optional(z.int().check(z.positive(), z.lte(99_999_999))),
      currency: z.optional(z.string().check(z.regex(/^[a-zA-Z]{3}$/, 'must be a three-letter ISO code'))),
      name: z.optional(z.string().check(z.minLength(1), z.maxLength(250))),
      description: z.optional(z.string().check(z.minLength(1), z.maxLength(500))),
      expiresIn: z.optional(durationSchema),
      active: z.optional(z.boolean()),
    })
    .check(
      z.refine((p) => p.price !== undefined || p.unitAmount !== undefined, {
        message: 'give a Stripe price id or unitAmount + currency',
        path: ['price'],
      }),
      z.refine((p) => (p.unitAmount === undefined) === (p.currency === undefined), {
        message: 'unitAmount and currency go together',
        path: ['currency'],
      }),
    ),
)

export function normalizePack(p: z.output<typeof packSchema>): Omit<NormalizedPack, 'units'> {
  const bonus = p.bonus ?? 0
  return {
    id: p.id,
    credits: p.credits,
    bonus,
    price: p.price ?? null,
    unitAmount: p.unitAmount ?? null,
    currency: p.currency?.toLowerCase() ?? null,
    name: p.name ?? `${(p.credits + bonus).toLocaleString('en-US')} credits`,
    description: p.description ?? null,
    expiresInMs: p.expiresIn === undefined ? null : toMs(p.expiresIn as Duration, 'expiresIn'),
    active: p.active ?? true,
  }
}

/**
 * Builds the catalog, refusing duplicate ids and packs that are not a whole number of ledger units
 * in the app's unit. Checked once here, so a webhook never meets a bad pack.
 */
export function buildCatalog(packs: Omit<NormalizedPack, 'units'>[], credits: Credits): Map<string, NormalizedPack> {
  const catalog = new Map<string, NormalizedPack>()
  const issues: { path: string; message: string }[] = []
  packs.forEach((pack, i) => {
    if (catalog.has(pack.id)) issues.push({ path: `packs.${i}.id`, message: `duplicate pack id "${pack.id}"` })
    // Each part on its own: their float sum (0.1 + 0.2) may not be the decimal either was written as.
    let units = 0
    for (const part of ['credits', 'bonus'] as const) {
      try {
        units += credits.toUnits(pack[part], { exact: true, path: `packs.${i}.${part}` })
      } catch (error) {
        if (!isMeteredError(error) || error.code !== 'validation_error') throw error
        issues.push(...(error as ValidationError).issues)
      }
    }
    if (!Number.isSafeInteger(units)) issues.push({ path: `packs.${i}.credits`, message: 'is too large' })
    catalog.set(pack.id, { ...pack, units })
  })
  if (issues.length > 0) throw new ValidationError(issues, 'Stripe credits config')
  return catalog
}

/** A pack as the pricing page shows it: the `PackBody` of the HTTP contract, nothing secret. */
export type PublicPack = PackBody

export function publicPack(p: NormalizedPack): PublicPack {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    credits: p.credits,
    bonus: p.bonus,
    unitAmount: p.unitAmount,
    currency: p.currency,
  }
}
