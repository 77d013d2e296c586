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

describe('metered.authorize: what the ticket will record', () => {
  const setup = async () => {
    const stores = createMemoryStores()
    const errors: unknown[] = []
    const metered = createMetered({ ledger: stores.ledger, usage: stores.usage, unitsPerCredit: 1000 })
    await stores.ledger.grant({ account: 'a', amount: 10_000, source: 's', idempotencyKey: 'g' })
    const usage = () => stores.usage.list({ account: 'a', from: 0, to: Date.now() + 86_400_000 })
    return { stores, metered, errors, usage }
  }

  it('a feature name of 101 to 200 characters is refused at authorize, the same rule as at settle', async () => {
    const t = await setup()
    for (const length of [101, 150, 200]) {
      for (const call of [{ price: 1 }, { estimate: 1 }]) {
        await expect(
          t.metered.authorize({ account: 'a', feature: 'f'.repeat(length), ...call }),
          `${length} characters, ${Object.keys(call)[0]}`,
        ).rejects.toMatchObject({ code: 'validation_error', issues: [{ path: 'feature' }] })
      }
    }
    expect(await t.stores.ledger.balance('a')).toMatchObject({ available: 10_000, held: 0 })
    expect((await t.stores.ledger.history('a')).entries).toHaveLength(1)
    expect((await t.usage()).events).toEqual([])
  })

  it('a feature name of 100 characters is authorized, charged and recorded', async () => {
    const t = await setup()
    const feature = 'f'.repeat(100)
    const auth = await t.metered.authorize({ account: 'a', feature, estimate: 2 })
    if (!auth.ok) throw new Error('refused')
    await auth.ticket.settle({ credits: 1 })
    expect(await t.stores.ledger.balance('a')).toMatchObject({ available: 9_000, held: 0 })
    expect((await t.usage()).events).toMatchObject([{ feature, amount: 1000 }])
  })

  it('a hostile userId is refused at authorize, before anything is held', async () => {
    const t = await setup()
    for (const userId of ['u\u0000', 'u'.repeat(201), 42]) {
      await expect(
        t.metered.authorize({ account: 'a', feature: 'f', estimate: 1, userId: userId as never }),
        JSON.stringify(userId).slice(0, 20),
      ).rejects.toMatchObject({ code: 'validation_error', issues: [{ path: 'userId' }] })
    }
    expect(await t.stores.ledger.balance('a')).toMatchObject({ available: 10_000, held: 0 })
    expect((await t.usage()).events).toEqual([])
  })
})
