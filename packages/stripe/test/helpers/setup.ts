import { createMetered, type Ledger } from '@metered/core'
import {
  type AutoTopUpOptions,
  type CreditPack,
  createStripeCredits,
  type StripeCreditsEvent,
  type StripeCreditsOptions,
  type StripeCustomerStore,
  type StripeErrorContext,
} from '../../src/index.js'
import { WEBHOOK_SECRET } from './events.js'
import type { FakeStripe } from './fake-stripe.js'

/** The first user's catalog: 1 credit = $0.001, bigger packs carry a bonus. */
export const STARTER_PACKS: CreditPack[] = [
  { id: 'pack-1', credits: 1_000, unitAmount: 100, currency: 'usd' },
  { id: 'pack-5', credits: 5_000, bonus: 50, unitAmount: 500, currency: 'usd' },
  // A dashboard price; unitAmount is then only used to check what was paid.
  { id: 'pack-10', credits: 10_000, bonus: 1_000, price: 'price_test_pack_10', unitAmount: 1000, currency: 'usd' },
  { id: 'pack-20', credits: 20_000, bonus: 3_000, unitAmount: 2000, currency: 'usd' },
  { id: 'pack-50', credits: 50_000, bonus: 12_500, unitAmount: 5000, currency: 'usd' },
  { id: 'pack-100', credits: 100_000, bonus: 40_000, unitAmount: 10_000, currency: 'usd' },
]

/** The ledger holds milli-credits, as in the starter. */
export const UNITS_PER_CREDIT = 1000

/** What the `onEvent` and `onError` hooks saw. */
export interface Captured {
  events: StripeCreditsEvent[]
  errors: { error: unknown; context: StripeErrorContext }[]
}

export function makeCredits(fake: FakeStripe, ledger: Ledger, overrides: Partial<StripeCreditsOptions> = {}) {
  const hooks: Captured = { events: [], errors: [] }
  const credits = createStripeCredits({
    stripe: fake.client(),
    metered: createMetered({ ledger, unitsPerCredit: UNITS_PER_CREDIT }),
    packs: STARTER_PACKS,
    webhookSecret: WEBHOOK_SECRET,
    successUrl: 'https://app.example/checkout/success?session_id={CHECKOUT_SESSION_ID}',
    cancelUrl: 'https://app.example/checkout/cancel',
    onEvent: (event) => void hooks.events.push(event),
    onError: (error, context) => void hooks.errors.push({ error, context }),
    ...overrides,
  })
  return { credits, hooks }
}

/** makeCredits with automatic top-ups on; `top` is the instance's `autoTopUp`. */
export function makeAutoTopUpCredits(
  fake: FakeStripe,
  ledger: Ledger,
  autoTopUp: AutoTopUpOptions,
  overrides: Partial<StripeCreditsOptions> = {},
) {
  const made = makeCredits(fake, ledger, { ...overrides, autoTopUp })
  const top = made.credits.autoTopUp
  if (!top) throw new Error('autoTopUp missing')
  return { ...made, top }
}

/** Where the app keeps each account's Stripe customer, as a Map the test can read. */
export function memoryCustomerStore(): StripeCustomerStore & { map: Map<string, string> } {
  const map = new Map<string, string>()
  return { map, get: async (a) => map.get(a), set: async (a, c) => void map.set(a, c) }
}
