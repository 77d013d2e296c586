import { type Ledger, parse } from '@metered/core'
import { z } from 'zod'
import { consoleLogger, type StripeCreditsLogger } from './logger.js'
import { buildCatalog, type CreditPack, type NormalizedPack, normalizePack, packSchema } from './packs.js'
import type { StripeCreditsClient } from './stripe-client.js'

/**
 * Where the Stripe customer of each account is remembered, so that every purchase of an account
 * lands on one customer (one receipt history, saved payment methods). Any key-value store works:
 * a column on your users table, the users port, Redis.
 */
export interface StripeCustomerStore {
  get(account: string): Promise<string | null | undefined>
  set(account: string, customerId: string): Promise<void>
}

export interface StripeCreditsOptions {
  /** A `new Stripe(secretKey)` instance, or anything with the same methods. */
  stripe: StripeCreditsClient
  /** Where purchased credits are granted and clawed back. */
  ledger: Ledger
  /** The server-side catalog: the only source of prices and credits. */
  packs: CreditPack[]
  /**
   * The webhook endpoint's signing secret (`whsec_...`). A list is accepted while rolling a
   * secret: an event verified by any of them is accepted.
   */
  webhookSecret: string | string[]
  /**
   * Where Checkout sends the buyer after paying. Stripe replaces `{CHECKOUT_SESSION_ID}` with the
   * session id, which the success page passes to `getCheckoutStatus`.
   * @example 'https://example.com/checkout/success?session_id={CHECKOUT_SESSION_ID}'
   */
  successUrl: string
  /** Where Checkout sends the buyer who cancels. @example 'https://example.com/checkout/cancel' */
  cancelUrl: string
  /**
   * Ledger units per credit. With 1000 the ledger holds milli-credits, so a pack of 1,000 credits
   * is granted as 1,000,000 units.
   * @default 1
   */
  unitsPerCredit?: number
  /** Reuse one Stripe customer per account. Without it Checkout decides (guest customers). */
  customers?: StripeCustomerStore
  /**
   * Refuse to grant when the session's total is below the pack's `unitAmount` or in another
   * currency (packs with only a Stripe price id are not checked). The refusal is logged and the
   * event acknowledged: nobody gets credits they did not pay for, and an operator resolves it.
   * @default true
   */
  verifyAmount?: boolean
  /**
   * How old a webhook's signature timestamp may be, in seconds, before it is refused as a replay.
   * @default 300
   */
  toleranceSeconds?: number
  /** Where decisions and failures are reported. @default console */
  logger?: StripeCreditsLogger
  /**
   * Base of the `type` URI of the webhook's problem responses (`type` is this followed by the
   * code); the same option as `createMeteredNext`'s, so both sides of an app document one set.
   * @default 'urn:metered:problem:'
   * @example problemTypeBase: 'https://example.com/problems/'
   */
  problemTypeBase?: string
}

export interface StripeCreditsConfig {
  stripe: StripeCreditsClient
  ledger: Ledger
  catalog: Map<string, NormalizedPack>
  webhookSecrets: string[]
  successUrl: string
  cancelUrl: string
  unitsPerCredit: number
  customers: StripeCustomerStore | null
  verifyAmount: boolean
  toleranceSeconds: number
  logger: StripeCreditsLogger
  problemTypeBase: string | undefined
}

// Stripe keeps `{CHECKOUT_SESSION_ID}` literally only if we pass the string as given, so the URL is
// checked by parsing but never rewritten.
const urlSchema = z
  .string()
  .min(1)
  .max(5000)
  .refine((s) => {
    try {
      const u = new URL(s)
      return u.protocol === 'https:' || u.protocol === 'http:'
    } catch {
      return false
    }
  }, 'must be an absolute http(s) URL')

const hasMethods = (paths: string[]) =>
  z.custom<object>(
    (v) => {
      if (typeof v !== 'object' || v === null) return false
      return paths.every((path) => {
        let at: unknown = v
        for (const part of path.split('.')) at = (at as Record<string, unknown> | undefined)?.[part]
        return typeof at === 'function'
      })
    },
    `must have ${paths.join(', ')}`,
  )

const secretSchema = z.string().min(8, 'looks too short for a webhook signing secret').max(500)

const optionsSchema = z.strictObject({
  stripe: hasMethods([
    'checkout.sessions.create',
    'checkout.sessions.retrieve',
    'checkout.sessions.list',
    'customers.create',
    'charges.retrieve',
    'refunds.list',
    'webhooks.constructEventAsync',
  ]),
  ledger: hasMethods(['grant', 'revoke', 'history']),
  packs: z.array(packSchema).min(1).max(100),
  webhookSecret: z.union([secretSchema, z.array(secretSchema).min(1).max(5)]),
  successUrl: urlSchema,
  cancelUrl: urlSchema,
  unitsPerCredit: z.number().int().positive().max(1_000_000_000).optional(),
  customers: hasMethods(['get', 'set']).optional(),
  verifyAmount: z.boolean().optional(),
  toleranceSeconds: z.number().int().positive().max(86_400).optional(),
  logger: hasMethods(['warn', 'error']).optional(),
  problemTypeBase: z.string().min(1).max(500).optional(),
})

export function normalizeOptions(options: StripeCreditsOptions): StripeCreditsConfig {
  const v = parse(optionsSchema, options, 'Stripe credits config')
  const unitsPerCredit = v.unitsPerCredit ?? 1
  return {
    // The schema only checked the shape; keep the caller's objects (and their `this`) as given.
    stripe: options.stripe,
    ledger: options.ledger,
    catalog: buildCatalog(v.packs.map(normalizePack), unitsPerCredit),
    webhookSecrets: typeof v.webhookSecret === 'string' ? [v.webhookSecret] : v.webhookSecret,
    successUrl: v.successUrl,
    cancelUrl: v.cancelUrl,
    unitsPerCredit,
    customers: options.customers ?? null,
    verifyAmount: v.verifyAmount ?? true,
    toleranceSeconds: v.toleranceSeconds ?? 300,
    logger: options.logger ?? consoleLogger,
    problemTypeBase: v.problemTypeBase,
  }
}
