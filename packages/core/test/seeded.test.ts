import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { assertProperty, DEFAULT_SEED, propertySeed } from '../src/testing/seeded.js'

describe('seeded properties', () => {
  it('take FC_SEED, else a fixed default', () => {
    expect(propertySeed({})).toBe(DEFAULT_SEED)
    expect(propertySeed({ FC_SEED: '42' })).toBe(42)
    expect(propertySeed({ FC_SEED: 'random' })).toBe(propertySeed({ FC_SEED: 'random' }))
    expect(() => propertySeed({ FC_SEED: '1.5' })).toThrow(/FC_SEED/)
  })

  it('run the same cases for the same seed', () => {
    const seen = (seed: number) => {
      const values: number[] = []
      assertProperty(
        fc.property(fc.integer(), (n) => {
          values.push(n)
        }),
        { seed, numRuns: 20 },
      )
      return values
    }
    expect(seen(7)).toEqual(seen(7))
    expect(seen(7)).not.toEqual(seen(8))
  })

  it('name the seed and how to rerun it when a property fails, sync or async', async () => {
    expect(() =>
      assertProperty(
        fc.property(fc.nat(), (n) => n < 0),
        { seed: 7 },
      ),
    ).toThrow(/fast-check seed 7; rerun with FC_SEED=7/)
    await expect(
      assertProperty(
        fc.asyncProperty(fc.nat(), async (n) => n < 0),
        { seed: 9 },
      ),
    ).rejects.toThrow(/FC_SEED=9/)
  })
})
