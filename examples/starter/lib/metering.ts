import 'server-only'
import { createMetered } from '@metered/core'
import { pricing, UNITS_PER_CREDIT } from './pricing'
import { ledger, limiter, usage, users } from './stores'

/**
 * The app's metering: stores, limiter, prices and the credit unit, configured here once. The Next
 * instance (`lib/metered.ts`), the sign-in glue (`lib/auth.ts`) and Stripe (`lib/stripe.ts`) all
 * take it, so a price, a signup bonus and a pack can only ever be counted in this one unit.
 */
export const metering = createMetered({ ledger, limiter, usage, users, pricing, unitsPerCredit: UNITS_PER_CREDIT })
