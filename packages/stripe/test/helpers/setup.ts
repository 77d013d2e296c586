import type { Ledger } from '@metered/core'
import {
  type CreditPack,
  createStripeCredits,
  type StripeCreditsLogger,
  type StripeCreditsOptions,
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

export interface CapturedLog {
  level: 'warn' | 'error'
  message: string
  data: Record<string, unknown> | undefined
}

export function captureLogger(): StripeCreditsLogger & { logs: CapturedLog[] } {
  const logs: CapturedLog[] = []
  return {
    logs,
    warn: (message, data) => logs.push({ level: 'warn', message, data }),
    error: (message, data) => logs.push({ level: 'error', message, data }),
  }
}

export function makeCredits(fake: FakeStripe, ledger: Ledger, overrides: Partial<StripeCreditsOptions> = {}) {
  const logger = captureLogger()
  const credits = createStripeCredits({
    stripe: fake.client(),
    ledger,
    packs: STARTER_PACKS,
    unitsPerCredit: UNITS_PER_CREDIT,
    webhookSecret: WEBHOOK_SECRET,
    successUrl: 'https://app.example/checkout/success?session_id={CHECKOUT_SESSION_ID}',
    cancelUrl: 'https://app.example/checkout/cancel',
    logger,
    ...overrides,
  })
  return { credits, logger }
}
