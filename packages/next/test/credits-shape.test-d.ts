/**
 * Type tests (typecheck and vitest's typecheck run them): the credit unit is configured once, on
 * the metered instance, and every other entry point takes the instance, never a unit of its own.
 */
import { type Credits, createMemoryStores, createMetered } from '@metered/core'
import type { BalanceBody } from '@metered/core/http'
import { createCreditRoutes, createMeteredNext, meteredAuth } from '../src/index.js'

const stores = createMemoryStores()
const core = createMetered({ ...stores, unitsPerCredit: 1000 })
const metered = createMeteredNext({ metered: core, identify: () => null })

metered.credits satisfies Credits
metered.balance('u1') satisfies Promise<BalanceBody>
metered.onError satisfies (error: unknown) => void
meteredAuth({ metered, signupCredits: 1 })
meteredAuth({ metered: core, signupCredits: 1 })

// @ts-expect-error the unit comes from `metered`
meteredAuth({ metered, signupCredits: 1, unitsPerCredit: 1000 })
// @ts-expect-error the ledger comes from `metered`
meteredAuth({ users: stores.users, ledger: stores.ledger, signupCredits: 1 })
// @ts-expect-error use `metered.credits.format(units)`
metered.formatCredits(1)
// @ts-expect-error the hook is `onError`
metered.report(new Error('x'))
// @ts-expect-error route factories take `onError`, not `report`
createCreditRoutes({ metered: core, identify: () => null, report: () => {} })
