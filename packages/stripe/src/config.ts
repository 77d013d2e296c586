import { type Credits, type Ledger, toMs, ValidationError } from '@metered/core'
import { parse } from '@metered/core/adapter'
import * as z from 'zod/mini'
import { type AutoTopUpOptions, autoTopUpOptionsSchema } from './auto-top-up/options.js'
import type { AutoTopUpStore } from './auto-top-up/store.js'
import { createReporter, type Reporter, type StripeCreditsHooks } from './hooks.js'
import { buildCatalog, type CreditPack, type NormalizedPack, normalizePack, packSchema } from './packs.js'
import { buildPlanCatalog, type CreditPlan, type PlanCatalog } from './plans.js'
import type { StripeCreditsClient, StripeTopUpClient } from './stripe-client.js'

/**
 * Where the Stripe customer of each account is remembered, so that every purchase of an account
 * lands on one customer (one receipt history, saved payment methods). Any key-value store works:
 * a column on your users table, the users port, Redis.
 */
export interface StripeCustomerStore {
  /** The Stripe customer id stored for the account, if any. */
  get(account: string): Promise<string | null | undefined>
  /** Stores the customer id created for the account. */
  set(account: string, customerId: string): Promise<void>
}

/** The parts of a metered instance Stripe credits use: the ledger and the credit unit. */
export interface StripeMeteredParts {
  readonly ledger: Ledger
  readonly credits: Credits
}

/** A `createMetered` instance, or a `createMeteredNext` one (which holds it as `.metered`). */
export type StripeMeteredSource = StripeMeteredParts | { readonly metered: StripeMeteredParts }

/** Options of `createStripeCredits`. */
export interface StripeCreditsOptions extends StripeCreditsHooks {
  /** A `new Stripe(secretKey)` instance, or anything with the same methods. */
  stripe: StripeCreditsClient
  /**
   * The app's metered instance: purchased credits are granted and clawed back in its ledger, and
   * packs are counted in its credit unit (`metered.credits`), the one every other part uses.
   * @example createStripeCredits({ metered, stripe, packs, ... })
   */
  metered: StripeMeteredSource
  /** The server-side catalog: the only source of prices and credits. */
  packs: CreditPack[]
  /**
   * Subscription plans: each paid invoice grants the plan's credits for its period, expiring at
   * the period's end (docs/stripe.md, "Plans"). Sold with `subscribe`, managed in `portal`.
   * Default: none (no plans; `subscribe` refuses every plan id).
   */
  plans?: CreditPlan[]
  /**
   * Where the customer portal's "return" link goes.
   * @default cancelUrl
   */
  portalReturnUrl?: string
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
  /** Reuse one Stripe customer per account. Default: none; Checkout decides (guest customers). */
  customers?: StripeCustomerStore
  /**
   * Refuse to grant when the session's total is below the pack's `unitAmount` or in another
   * currency (packs with only a Stripe price id are not checked). The refusal is an `onEvent`
   * (`grant_refused`) and the event is acknowledged: nobody gets credits they did not pay for, and an operator resolves it.
   * @default true
   */
  verifyAmount?: boolean
  /**
   * How old a webhook's signature timestamp may be, in seconds, before it is refused as a replay.
   * @default 300
   */
  toleranceSeconds?: number
  /**
   * Base of the `type` URI of the webhook's problem responses (`type` is this followed by the
   * code); the same option as `createMeteredNext`'s, so both sides of an app document one set.
   * @default 'urn:metered:problem:'
   * @example problemTypeBase: 'https://example.com/problems/'
   */
  problemTypeBase?: string
  /**
   * Automatic top-up, opt-in per account: below its threshold, the account's saved card is charged
   * off-session for its chosen pack, once per crossing (see docs/stripe.md). Needs `customers`
   * (the card is saved on the account's customer at checkout) and packs with `unitAmount`.
   * @default off
   */
  autoTopUp?: AutoTopUpOptions
}

export interface StripeCreditsConfig {
  stripe: StripeCreditsClient
  ledger: Ledger
  credits: Credits
  catalog: Map<string, NormalizedPack>
  plans: PlanCatalog | null
  portalReturnUrl: string
  webhookSecrets: string[]
  successUrl: string
  cancelUrl: string
  customers: StripeCustomerStore | null
  verifyAmount: boolean
  toleranceSeconds: number
  report: Reporter
  problemTypeBase: string | undefined
  autoTopUp: {
    store: AutoTopUpStore
    stripe: StripeTopUpClient
    maxPerPeriod: number
    periodMs: number
    retryAfterMs: number
  } | null
}

// Stripe keeps `{CHECKOUT_SESSION_ID}` literally only if we pass the string as given, so the URL is
// checked by parsing but never rewritten.
const url = () =>
  z.string().check(
    z.minLength(1),
    z.maxLength(5000),
    z.refine((s) => {
      try {
        const u = new URL(s)
        return u.protocol === 'https:' || u.protocol === 'http:'
      } catch {
        return false
      }
    }, 'must be an absolute http(s) URL'),
  )

function methodsAt(v: unknown, paths: string[]): boolean {
  if (typeof v !== 'object' || v === null) return false
  return paths.every((path) => {
    let at: unknown = v
    for (const part of path.split('.')) at = (at as Record<string, unknown> | undefined)?.[part]
    return typeof at === 'function'
  })
}

const hasMethods = (paths: string[]) => z.custom<object>((v) => methodsAt(v, paths), `must have ${paths.join(', ')}`)
const fn = () => z.custom<object>((v) => typeof v === 'function', 'must be a function')

/** The instance's parts, from a `createMetered` instance or a `createMeteredNext` one. */
function partsOf(source: unknown): StripeMeteredParts | null {
  if (typeof source !== 'object' || source === null) return null
  // A createMeteredNext instance carries `credits` too, but the ledger only on `.metered`.
  const parts = 'metered' in source ? (source as { metered: unknown }).metered : source
  const ok = methodsAt(parts, ['ledger.grant', 'ledger.revoke', 'ledger.history', 'credits.toUnits'])
  return ok ? (parts as StripeMeteredParts) : null
}

const secret = () => z.string().check(z.minLength(8, 'looks too short for a webhook signing secret'), z.maxLength(500))

/** Built on first use, like every schema of this package (docs/design.md, "Light bundles"). */
const optionsSchema = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    stripe: hasMethods([
      'checkout.sessions.create',
      'checkout.sessions.retrieve',
      'checkout.sessions.list',
      'customers.create',
      'charges.retrieve',
      'refunds.list',
      'webhooks.constructEventAsync',
    ]),
    metered: z.custom<object>(
      (v) => partsOf(v) !== null,
      'must be the metered instance (createMetered or createMeteredNext)',
    ),
    packs: z.array(packSchema).check(z.minLength(1), z.maxLength(100)),
    webhookSecret: z.union([secret(), z.array(secret()).check(z.minLength(1), z.maxLength(5))]),
    successUrl: url(),
    cancelUrl: url(),
    customers: z.optional(hasMethods(['get', 'set'])),
    verifyAmount: z.optional(z.boolean()),
    toleranceSeconds: z.optional(z.int().check(z.positive(), z.lte(86_400))),
    onEvent: z.optional(fn()),
    onError: z.optional(fn()),
    problemTypeBase: z.optional(z.string().check(z.minLength(1), z.maxLength(500))),
    autoTopUp: z.optional(autoTopUpOptionsSchema),
    // Checked by buildPlanCatalog, which names each plan's issues.
    plans: z.optional(z.unknown()),
    portalReturnUrl: z.optional(url()),
  }),
)

export function normalizeOptions(options: StripeCreditsOptions): StripeCreditsConfig {
  const v = parse(optionsSchema, options, 'Stripe credits config')
  // The schema only checked the shape; keep the caller's objects (and their `this`) as given.
  const { ledger, credits } = partsOf(options.metered) as StripeMeteredParts
  return {
    stripe: options.stripe,
    ledger,
    credits,
    catalog: buildCatalog(v.packs.map(normalizePack), credits),
    plans: options.plans === undefined ? null : buildPlanCatalog(options.plans, credits),
    portalReturnUrl: v.portalReturnUrl ?? v.cancelUrl,
    webhookSecrets: typeof v.webhookSecret === 'string' ? [v.webhookSecret] : v.webhookSecret,
    successUrl: v.successUrl,
    cancelUrl: v.cancelUrl,
    customers: options.customers ?? null,
    verifyAmount: v.verifyAmount ?? true,
    toleranceSeconds: v.toleranceSeconds ?? 300,
    report: createReporter(options),
    problemTypeBase: v.problemTypeBase,
    autoTopUp: autoTopUpConfig(options),
  }
}

function autoTopUpConfig(options: StripeCreditsOptions): StripeCreditsConfig['autoTopUp'] {
  const top = options.autoTopUp
  if (!top) return null
  const issues: { path: string; message: string }[] = []
  // The saved card lives on the account's customer: without the store there is none to charge.
  if (!options.customers) issues.push({ path: 'customers', message: 'is required with autoTopUp' })
  if (!methodsAt(options.stripe, ['paymentIntents.create', 'paymentMethods.list'])) {
    issues.push({ path: 'stripe', message: 'must have paymentIntents.create, paymentMethods.list (autoTopUp)' })
  }
  if (issues.length > 0) throw new ValidationError(issues, 'Stripe credits config')
  return {
    store: top.store,
    stripe: options.stripe as unknown as StripeTopUpClient,
    maxPerPeriod: top.maxPerPeriod ?? 3,
    periodMs: toMs(top.period ?? '30 d', 'autoTopUp.period'),
    retryAfterMs: toMs(top.retryAfter ?? '15 m', 'autoTopUp.retryAfter'),
  }
}
