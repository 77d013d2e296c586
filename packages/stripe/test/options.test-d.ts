/**
 * Type tests (typecheck runs them): Stripe credits take the metered instance (its ledger and
 * credit unit) and report through `onEvent` / `onError` only.
 */
import { createMemoryLedger, createMetered } from '@metered/core'
import { createDevStripe, createStripeCredits, type StripeCreditsOptions } from '../src/index.js'

const dev = createDevStripe({ checkoutUrl: (id) => `http://localhost/${id}` })
const base = {
  stripe: dev.client,
  webhookSecret: dev.webhookSecret,
  packs: [{ id: 'p', credits: 1, unitAmount: 100, currency: 'usd' }],
  successUrl: 'http://localhost/ok',
  cancelUrl: 'http://localhost/cancel',
}
const ledger = createMemoryLedger()
const metered = createMetered({ ledger, unitsPerCredit: 1000 })

createStripeCredits({
  ...base,
  metered,
  onEvent: (e) => void e.type,
  onError: (error, context) => void [error, context.message],
})

// @ts-expect-error the ledger comes from `metered`
createStripeCredits({ ...base, ledger })
// @ts-expect-error the unit comes from `metered`
createStripeCredits({ ...base, metered, unitsPerCredit: 1000 })
// @ts-expect-error decisions go to `onEvent`, failures to `onError`
createStripeCredits({ ...base, metered, logger: { warn: () => {}, error: () => {} } })

export type { StripeCreditsOptions }
