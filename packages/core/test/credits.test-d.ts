/**
 * Type tests (run by `pnpm typecheck`): the unit lives on `metered.credits` only, and usage export
 * takes the instance's `credits`, never a second `unitsPerCredit`.
 */
import { ALL_ACCOUNTS, createMemoryStores, createMemoryUsageStore, exportUsage, type Metered } from '../src/index.js'
import { createMetered } from '../src/metering/create-metered.js'

const metered: Metered = createMetered({ ...createMemoryStores(), unitsPerCredit: 1000 })
metered.credits.toUnits(1) satisfies number
metered.credits.toCredits(1) satisfies number
metered.credits.format(1, { locale: 'en-US', maximumFractionDigits: 2 }) satisfies string
metered.credits.unitsPerCredit satisfies number

// @ts-expect-error the unit is read from `metered.credits.unitsPerCredit`
metered.unitsPerCredit
// @ts-expect-error use `metered.credits.toCredits`
metered.toCredits(1)
// @ts-expect-error use `metered.credits.toUnits`
metered.toUnits(1)

const usage = createMemoryUsageStore()
exportUsage(usage, { account: ALL_ACCOUNTS, from: 0, to: 1, format: 'csv', credits: metered.credits })
// @ts-expect-error export takes `credits: metered.credits`, not a unit of its own
exportUsage(usage, { account: ALL_ACCOUNTS, from: 0, to: 1, format: 'csv', unitsPerCredit: 1000 })
