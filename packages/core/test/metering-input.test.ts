import { describe, expect, it } from 'vitest'
import { createMemoryStores } from '../src/memory/create-memory-stores.js'
import { createMetered } from '../src/metering/create-metered.js'
import { perToken } from '../src/pricing/pricers.js'

describe('metered.authorize: the estimate', () => {
  it('is credits or usage; anything else is a ValidationError on estimate and holds nothing', async () => {
    const stores = createMemoryStores()
    const metered = createMetered({
      ledger: stores.ledger,
      unitsPerCredit: 1000,
      pricing: { generate: perToken({ markup: 1, creditValue: 0.001 }) },
    })
    await stores.ledger.grant({ account: 'a', amount: 10_000, source: 's', idempotencyKey: 'g' })
    // '1' used to be priced as empty usage: a hold of 1 unit for a call the client named as costing 1 credit.
    for (const estimate of ['1', true, null, Symbol('s')]) {
      await expect(
        metered.authorize({ account: 'a', feature: 'generate', estimate: estimate as never }),
      ).rejects.toMatchObject({ code: 'validation_error', issues: [{ path: 'estimate' }] })
    }
    expect(await stores.ledger.balance('a')).toMatchObject({ available: 10_000, held: 0 })
  })
})
