import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import {
  CATALOG_DATE,
  CATALOG_SOURCE,
  type CatalogPrice,
  candidateNames,
  catalogModels,
  catalogPrice,
} from '@metered/core/prices'
import { UsageError } from './options.js'

/**
 * `metered prices`: the token price table an app's `perToken` will use, the bundled catalog with
 * the app's own prices over it, and a check that every model the app names has a price.
 */
export const PRICES_USAGE = `Usage: metered prices [model ...] [--overrides <file.json>] [--json]

Prints the USD prices per 1M tokens perToken() uses: the bundled catalog (dated) with your own
prices over it. Exits with 1 when a model you name has no price.

  model ...               the models your app calls (default: the whole table)
  --overrides <file>      your perToken({ models }) as JSON: { "my-model": { "input": 3, "output": 12 } };
                          its models are checked too
  --json                  print the table as JSON`

/** USD per 1M tokens, as `perToken({ models })` takes them. */
export interface OwnPrice {
  input: number
  cachedInput?: number
  cacheWrite?: number
  output: number
}

export interface PricesOptions {
  models: string[]
  overrides: string | null
  json: boolean
  help: boolean
}

export function parsePricesCommand(argv: string[]): PricesOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      overrides: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  return { models: positionals, overrides: values.overrides ?? null, json: values.json, help: values.help }
}

/** One row of the table: where the price comes from and its rates as exact decimals. */
export interface PriceRow {
  model: string
  source: 'override' | 'catalog' | 'unpriced'
  /** The name it was found under (an alias, a snapshot's base model); null when unpriced. */
  listedAs: string | null
  provider: string | null
  input: string | null
  cachedInput: string | null
  cacheWrite: string | null
  output: string | null
}

/** n / d as its exact decimal (catalog prices are decimals, so the expansion ends). */
export function decimal(n: number, d: number): string {
  let whole = BigInt(n) / BigInt(d)
  let rest = BigInt(n) % BigInt(d)
  let digits = ''
  for (let i = 0; i < 20 && rest !== 0n; i++) {
    rest *= 10n
    digits += String(rest / BigInt(d))
    rest %= BigInt(d)
  }
  if (rest !== 0n) digits += '…'
  if (whole < 0n) whole = -whole
  return digits ? `${whole}.${digits}` : String(whole)
}

function priceText(price: CatalogPrice | undefined): string | null {
  if (price === undefined) return null
  if (Array.isArray(price)) return decimal(price[0] as number, price[1] as number)
  const tiered = price as Exclude<CatalogPrice, readonly [number, number]>
  const tiers = tiered.tiers.map(([start, p]) => ` (>${start}: ${decimal(p[0], p[1])})`).join('')
  return `${decimal(tiered.base[0], tiered.base[1])}${tiers}`
}

function overrideRow(model: string, name: string, own: OwnPrice): PriceRow {
  const text = (value: number | undefined) => (value === undefined ? null : String(value))
  return {
    model,
    source: 'override',
    listedAs: name,
    provider: null,
    input: String(own.input),
    cachedInput: text(own.cachedInput),
    cacheWrite: text(own.cacheWrite),
    output: String(own.output),
  }
}

/** A model's row, found the way `perToken` finds it: your prices first, then the catalog. */
export function priceRow(model: string, overrides: Record<string, OwnPrice>): PriceRow {
  for (const name of candidateNames(model)) {
    const own = Object.hasOwn(overrides, name) ? overrides[name] : undefined
    if (own !== undefined) return overrideRow(model, name, own)
  }
  const listed = catalogPrice(model)
  if (!listed) {
    return {
      model,
      source: 'unpriced',
      listedAs: null,
      provider: null,
      input: null,
      cachedInput: null,
      cacheWrite: null,
      output: null,
    }
  }
  const listedAs = Object.keys(catalogModels).find((name) => catalogModels[name] === listed) ?? model
  return {
    model,
    source: 'catalog',
    listedAs,
    provider: listed.provider,
    input: priceText(listed.input),
    cachedInput: priceText(listed.cachedInput),
    cacheWrite: priceText(listed.cacheWrite),
    output: priceText(listed.output),
  }
}

function checkOverrides(value: unknown, file: string): Record<string, OwnPrice> {
  const wrong = (why: string) => new UsageError(`${file}: ${why}`)
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw wrong('must be a JSON object of models')
  for (const [model, price] of Object.entries(value)) {
    const p = price as Record<string, unknown>
    if (typeof p !== 'object' || p === null)
      throw wrong(`"${model}" must be { input, output, cachedInput?, cacheWrite? }`)
    for (const field of ['input', 'output', 'cachedInput', 'cacheWrite']) {
      const v = p[field]
      const required = field === 'input' || field === 'output'
      if (v === undefined && !required) continue
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw wrong(`"${model}".${field} must be a number of USD per 1M tokens`)
      }
    }
  }
  return value as Record<string, OwnPrice>
}

function table(rows: PriceRow[]): string {
  const head = ['model', 'source', 'listed as', 'input', 'cached input', 'cache write', 'output']
  const cells = rows.map((r) => [
    r.model,
    r.source === 'catalog' ? `catalog (${r.provider})` : r.source,
    r.listedAs ?? '-',
    r.input ?? '-',
    r.cachedInput ?? (r.input ? `= input` : '-'),
    r.cacheWrite ?? (r.input ? `= input` : '-'),
    r.output ?? '-',
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)))
  const line = (c: string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd()
  return [line(head), ...cells.map(line)].join('\n')
}

/** Runs `metered prices`; returns the exit code (1 when a named model is unpriced). */
export async function prices(
  options: PricesOptions,
  io: { log: (text: string) => void; cwd: string },
): Promise<number> {
  if (options.help) {
    io.log(PRICES_USAGE)
    return 0
  }
  let overrides: Record<string, OwnPrice> = {}
  if (options.overrides) {
    const file = resolve(io.cwd, options.overrides)
    let parsed: unknown
    try {
      parsed = JSON.parse(await readFile(file, 'utf8'))
    } catch (error) {
      throw new UsageError(`cannot read --overrides ${options.overrides}: ${(error as Error).message}`)
    }
    overrides = checkOverrides(parsed, options.overrides)
  }
  const named = [...new Set([...options.models, ...Object.keys(overrides)])]
  const models =
    options.models.length > 0 ? named : [...new Set([...Object.keys(overrides), ...Object.keys(catalogModels)])]
  const rows = models.map((model) => priceRow(model, overrides))
  const unpriced = rows.filter((r) => r.source === 'unpriced').map((r) => r.model)
  if (options.json) {
    io.log(
      JSON.stringify(
        { catalog: { source: CATALOG_SOURCE, date: CATALOG_DATE }, unit: 'USD per 1M tokens', models: rows, unpriced },
        null,
        2,
      ),
    )
  } else {
    io.log(`Token prices perToken() uses, USD per 1M tokens. Catalog: ${CATALOG_SOURCE}, ${CATALOG_DATE}.`)
    io.log(table(rows))
    if (unpriced.length > 0) {
      io.log(
        `\nNo price for ${unpriced.map((m) => `"${m}"`).join(', ')}: every call to it would fail. Add it to perToken({ models }).`,
      )
    }
  }
  return unpriced.length > 0 ? 1 : 0
}
