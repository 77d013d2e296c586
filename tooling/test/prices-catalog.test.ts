import { readFileSync } from 'node:fs'
import { findProvider } from '@pydantic/genai-prices'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { catalogAliases, catalogModels } from '../../packages/core/src/prices.js'
import { DATASET, exact, outputPath, render } from '../prices/generate.mjs'

type Price = number | { base: number; tiers: Array<{ start: number; price: number }> } | undefined
type Fraction = readonly [number, number]
type Entry = Record<string, Fraction | { base: Fraction; tiers: Array<readonly [number, Fraction]> } | string>

/** The decimal a dataset number prints as, as an exact fraction in lowest terms, by long hand. */
function decimalFraction(value: number): [bigint, bigint] {
  const [int, frac = ''] = String(value).split('.')
  let n = BigInt(`${int}${frac}`)
  let d = 10n ** BigInt(frac.length)
  for (let a = n, b = d; ; ) {
    if (b === 0n) {
      n /= a || 1n
      d /= a || 1n
      break
    }
    ;[a, b] = [b, a % b]
  }
  return [n, d]
}

function sameValue(fraction: Fraction, value: number): boolean {
  const [n, d] = decimalFraction(value)
  return BigInt(fraction[0]) === n && BigInt(fraction[1]) === d
}

const FIELDS: Record<string, string> = {
  input_mtok: 'input',
  cache_read_mtok: 'cachedInput',
  cache_write_mtok: 'cacheWrite',
  output_mtok: 'output',
}

describe('the generated price catalog', () => {
  it('is what the pinned dataset gives (regenerate with node tooling/prices/generate.mjs)', () => {
    expect(readFileSync(outputPath, 'utf8')).toBe(render())
  })

  it('holds every plain price of the dataset as the exact decimal it wrote', () => {
    let checked = 0
    for (const providerId of ['openai', 'anthropic', 'google', 'x-ai', 'mistral', 'deepseek']) {
      for (const model of findProvider({ providerId })?.models ?? []) {
        const entry = (catalogModels as unknown as Record<string, Entry>)[model.id]
        if (!entry || Array.isArray(model.prices) || entry.provider !== providerId) continue
        for (const [key, name] of Object.entries(FIELDS)) {
          const price = (model.prices as Record<string, Price>)[key]
          const ours = entry[name]
          if (price === undefined) {
            expect(ours, `${model.id} ${name}`).toBeUndefined()
          } else if (typeof price === 'number') {
            expect(sameValue(ours as Fraction, price), `${model.id} ${name}: ${String(ours)} vs ${price}`).toBe(true)
            checked++
          } else {
            const tiered = ours as { base: Fraction; tiers: Array<readonly [number, Fraction]> }
            expect(sameValue(tiered.base, price.base), `${model.id} ${name} base`).toBe(true)
            expect(tiered.tiers.map(([start]) => start)).toEqual(price.tiers.map((t) => t.start).sort((a, b) => a - b))
            checked++
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(300)
  })

  it('resolves every alias to a model it lists', () => {
    for (const [alias, id] of Object.entries(catalogAliases)) expect(catalogModels[id], alias).toBeDefined()
  })

  it('reads any decimal with up to 6 places as its exact fraction (property)', () => {
    const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31)
    console.log(`exact() property seed: ${seed}`)
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000 }), fc.integer({ min: 0, max: 6 }), (units, places) => {
        const text = (units / 10 ** places).toFixed(places)
        const [n, d] = exact(Number(text))
        // n/d == units/10^places, compared as integers
        return BigInt(n) * 10n ** BigInt(places) === BigInt(units) * BigInt(d)
      }),
      { seed },
    )
  })

  it('pins the dataset version the catalog names', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
    expect(pkg.devDependencies[DATASET.name]).toBe(DATASET.version)
  })
})
