// Turns @pydantic/genai-prices into packages/core/src/pricing/catalog.generated.ts: USD per 1M
// tokens as exact fractions [numerator, denominator], read from the decimal the dataset wrote
// (never through float arithmetic). `node tooling/prices/generate.mjs` writes the file;
// `--check` exits 1 when the committed file differs from what the pinned dataset gives.
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { findProvider } from '@pydantic/genai-prices'

const here = dirname(fileURLToPath(import.meta.url))
export const outputPath = join(here, '..', '..', 'packages', 'core', 'src', 'pricing', 'catalog.generated.ts')

/** The pinned dataset. Bumping the version in tooling/package.json means updating its date here. */
export const DATASET = { name: '@pydantic/genai-prices', version: '0.1.8', date: '2026-09-23' }

/** Providers in the catalog, in precedence order when two list the same model id. */
const PROVIDERS = ['openai', 'anthropic', 'google', 'x-ai', 'mistral', 'deepseek']

/** The dataset's price keys that metered charges, and the name each takes in the catalog. */
const FIELDS = {
  input_mtok: 'input',
  cache_read_mtok: 'cachedInput',
  cache_write_mtok: 'cacheWrite',
  output_mtok: 'output',
}

function installedVersion() {
  const require = createRequire(import.meta.url)
  const pkgPath = join(dirname(require.resolve('@pydantic/genai-prices')), '..', 'package.json')
  return JSON.parse(readFileSync(pkgPath, 'utf8')).version
}

function gcd(a, b) {
  while (b !== 0n) [a, b] = [b, a % b]
  return a
}

/** A dataset number as the exact fraction of the decimal it prints as (0.075 -> [3, 40]). */
export function exact(value) {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`not a price: ${value}`)
  const text = String(value)
  if (/e/i.test(text)) throw new Error(`price in exponent form, convert by hand: ${text}`)
  const [int, frac = ''] = text.split('.')
  let n = BigInt(int + frac)
  let d = 10n ** BigInt(frac.length)
  const g = gcd(n, d) || 1n
  n /= g
  d /= g
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || d > BigInt(Number.MAX_SAFE_INTEGER))
    throw new Error(`too precise: ${text}`)
  return [Number(n), Number(d)]
}

function tiered(value) {
  if (typeof value === 'number') return exact(value)
  return {
    base: exact(value.base),
    tiers: [...value.tiers].sort((a, b) => a.start - b.start).map((t) => [t.start, exact(t.price)]),
  }
}

/** The highest of two prices; tiered prices are kept as given when they are the only one. */
function higher(a, b) {
  if (a === undefined) return b
  if (typeof a !== 'number' || typeof b !== 'number') return a
  return Math.max(a, b)
}

/**
 * One price table for a model. Dated entries (`start_date`) apply from that date on, the latest
 * in force on the dataset's date winning; time-of-day entries (peak and off-peak hours) are
 * folded in at the highest rate, because a catalog without a clock must not charge less than
 * the provider can.
 */
function pricesOf(model, date) {
  if (!Array.isArray(model.prices)) return model.prices
  let current = {}
  const windows = []
  for (const entry of model.prices) {
    const c = entry.constraint
    if (!c) current = entry.prices
    else if (c.start_date !== undefined) {
      if (c.start_date <= date) current = entry.prices
    } else windows.push(entry.prices)
  }
  const out = { ...current }
  for (const w of windows) for (const key of Object.keys(FIELDS)) out[key] = higher(out[key], w[key])
  return out
}

/** Exact ids a model answers to (`gpt-4.1-2025-04-14` for `gpt-4.1`); prefix and regex rules are left out. */
function aliasesOf(match) {
  if (!match) return []
  if ('equals' in match) return [match.equals]
  if ('or' in match) return match.or.flatMap(aliasesOf)
  return []
}

export function render() {
  const version = installedVersion()
  if (version !== DATASET.version) {
    throw new Error(`${DATASET.name} ${version} is installed but ${DATASET.version} is pinned: update DATASET`)
  }
  const models = new Map()
  const aliases = new Map()
  for (const providerId of PROVIDERS) {
    const provider = findProvider({ providerId })
    if (!provider) throw new Error(`provider ${providerId} not in the dataset`)
    for (const model of provider.models) {
      if (models.has(model.id)) continue
      const prices = pricesOf(model, DATASET.date)
      if (prices.input_mtok === undefined || prices.output_mtok === undefined) continue
      const entry = { provider: provider.id }
      for (const [key, name] of Object.entries(FIELDS)) if (prices[key] !== undefined) entry[name] = tiered(prices[key])
      models.set(model.id, entry)
      for (const alias of aliasesOf(model.match)) {
        if (alias !== model.id && !aliases.has(alias)) aliases.set(alias, model.id)
      }
    }
  }
  for (const alias of [...aliases.keys()]) if (models.has(alias)) aliases.delete(alias)
  const sortedModels = [...models.entries()].sort(([a], [b]) => (a < b ? -1 : 1))
  const sortedAliases = [...aliases.entries()].sort(([a], [b]) => (a < b ? -1 : 1))
  const lines = [
    `// Generated by tooling/prices/generate.mjs from ${DATASET.name} ${DATASET.version}. Do not edit:`,
    '// run `node tooling/prices/generate.mjs` after bumping the dataset.',
    "import type { CatalogEntry } from './catalog-types.js'",
    '',
    `export const CATALOG_SOURCE = '${DATASET.name}@${DATASET.version}'`,
    `export const CATALOG_DATE = '${DATASET.date}'`,
    '',
    '/** USD per 1M tokens as [numerator, denominator], by model id. */',
    'export const catalogModels: Record<string, CatalogEntry> = {',
    ...sortedModels.map(([id, e]) => `  ${JSON.stringify(id)}: ${JSON.stringify(e)},`),
    '}',
    '',
    '/** Snapshot and alias ids -> the model id they are priced as. */',
    'export const catalogAliases: Record<string, string> = {',
    ...sortedAliases.map(([alias, id]) => `  ${JSON.stringify(alias)}: ${JSON.stringify(id)},`),
    '}',
    '',
  ]
  return lines.join('\n')
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = render()
  if (process.argv.includes('--check')) {
    const committed = readFileSync(outputPath, 'utf8')
    if (committed !== text) {
      console.error(
        `${outputPath} is not what ${DATASET.name}@${DATASET.version} gives: run node tooling/prices/generate.mjs`,
      )
      process.exit(1)
    }
    console.log('price catalog matches the pinned dataset')
  } else {
    writeFileSync(outputPath, text)
    console.log(`wrote ${outputPath}`)
  }
}
