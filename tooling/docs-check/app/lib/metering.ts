import { createMetered, perToken } from '@metered/core'
import { stores } from './stores'

// The docs' `lib/metering.ts`: stores, prices and the credit unit, configured once.
export const metering = createMetered({
  ...stores,
  unitsPerCredit: 1000,
  pricing: { generate: perToken({ markup: 1.3, creditValue: 0.001 }) },
})
