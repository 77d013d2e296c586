import { describe, expect, it } from 'vitest'
import {
  createCredits,
  createMemoryStores,
  createMemoryUsageStore,
  exportUsage,
  ValidationError,
} from '../src/index.js'
import { createMetered } from '../src/metering/create-metered.js'

describe('createCredits', () => {
  it('converts credits to units exactly, rounding a fraction of a unit up', () => {
    const credits = createCredits(1000)
    expect(credits.toUnits(0.29)).toBe(290) // 0.29 * 1000 is 289.99999999999997 in floats
    expect(credits.toUnits(0.39)).toBe(390)
    expect(credits.toUnits(2.5)).toBe(2500)
    expect(credits.toUnits(0.0004)).toBe(1)
    expect(credits.toUnits(0)).toBe(0)
    expect(createCredits(7).toUnits(0.5)).toBe(4)
  })

  it('refuses a fraction of a unit with { exact: true }, naming the field', () => {
    const credits = createCredits(1000)
    expect(credits.toUnits(1.234, { exact: true })).toBe(1234)
    expect(() => credits.toUnits(0.0004, { exact: true })).toThrow(ValidationError)
    expect(() => credits.toUnits(0.0004, { exact: true, path: 'signupCredits' })).toThrow(
      /signupCredits.*0\.001 credit/,
    )
    expect(() => createCredits(7).toUnits(0.5, { exact: true })).toThrow(/1\/7 credit/)
    // the rounded conversion is remembered; the exact one must still refuse the same amount
    credits.toUnits(0.0005)
    expect(() => credits.toUnits(0.0005, { exact: true })).toThrow(ValidationError)
  })

  it('refuses negative, non-finite and unsafe amounts and a bad unit', () => {
    const credits = createCredits(1000)
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, 1e300]) {
      expect(() => credits.toUnits(bad)).toThrow(ValidationError)
    }
    for (const bad of [0, -5, 1.5, Number.NaN, 2 ** 53]) expect(() => createCredits(bad)).toThrow(ValidationError)
  })

  it('formats units as exact decimal text, cut (never rounded up) and optionally localised', () => {
    const credits = createCredits(1000)
    expect(credits.format(390)).toBe('0.39')
    expect(credits.format(12_345)).toBe('12.345')
    expect(credits.format(5000)).toBe('5')
    expect(credits.format(0)).toBe('0')
    expect(credits.format(-390)).toBe('-0.39')
    expect(credits.format(1_234_567, { maximumFractionDigits: 2 })).toBe('1234.56')
    expect(credits.format(1_234_567, { locale: 'en-US', maximumFractionDigits: 2 })).toBe('1,234.56')
    expect(credits.format(1_234_567, { locale: 'de-DE' })).toBe('1.234,567')
    expect(createCredits(100).format(123_456_789_012)).toBe('1234567890.12')
    expect(createCredits(1).format(7)).toBe('7')
    // 10/3 has no finite decimal form: six places, cut
    expect(createCredits(3).format(10)).toBe('3.333333')
    expect(createCredits(7).format(1)).toBe('0.142857')
    // beyond 2^53 / 1000 a float division would show noise; the text stays exact
    expect(credits.format(9_007_199_254_740_991)).toBe('9007199254740.991')
  })
})

describe('metered.credits', () => {
  it('is the one unit createMetered was given, used by prices and estimates', async () => {
    const stores = createMemoryStores()
    const metered = createMetered({ ...stores, unitsPerCredit: 7 })
    expect(metered.credits.unitsPerCredit).toBe(7)
    expect(metered.credits.toUnits(1.5)).toBe(11) // 10.5 rounded up
    await stores.ledger.grant({ account: 'u', amount: 100, source: 'test', idempotencyKey: 'g' })
    const auth = await metered.authorize({ account: 'u', feature: 'f', price: 1.5 })
    expect(auth.ok && auth.ticket.amount).toBe(11)
    expect((await stores.ledger.balance('u')).available).toBe(89)
  })
})

describe('exportUsage({ credits })', () => {
  it('writes amounts in the credits of the instance it is given', async () => {
    const usage = createMemoryUsageStore()
    const at = Date.UTC(2026, 0, 1)
    await usage.record({ account: 'a', feature: 'f', amount: 390, shortfall: 7, status: 'ok', at })
    const read = async (unitsPerCredit: number) => {
      const body = exportUsage(usage, {
        account: 'a',
        from: at,
        to: at + 1,
        format: 'ndjson',
        credits: createCredits(unitsPerCredit),
      })
      return JSON.parse(await new Response(body).text())
    }
    expect(await read(1000)).toMatchObject({ amount: 0.39, shortfall: 0.007 })
    expect(await read(7)).toMatchObject({ amount: 390 / 7, shortfall: 1 })
    expect(await read(1)).toMatchObject({ amount: 390, shortfall: 7 })
  })
})
