import { ValidationError } from '../errors.js'
import { candidateNames, catalogPrice } from './catalog.js'
import type { CatalogEntry, CatalogPrice } from './catalog-types.js'
import { type ImagePrices, openaiImagePrices, type TokenPrice } from './openai-prices.js'
import { add, div, mul, type Rational, rational, sum, ZERO } from './rational.js'
import type { MeteredUsage, Pricer } from './types.js'

const MILLION = /* @__PURE__ */ rational(1_000_000)

/** Converts provider cost (USD) to credits: cost x markup / creditValue. */
interface Economics {
  /**
   * Multiplier on provider cost, e.g. 1.3 to charge cost + 30%.
   * @default 1
   */
  markup?: number
  /**
   * USD value of one credit, e.g. 0.001 when 1 credit = $0.001.
   * @default 1
   */
  creditValue?: number
}

function factor(e: Economics): Rational {
  return div(rational(e.markup ?? 1), rational(e.creditValue ?? 1))
}

function count(value: number | undefined, field: string): Rational {
  const n = value ?? 0
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new ValidationError([{ path: field, message: 'must be a whole number of 0 or more' }])
  }
  return rational(n)
}

/** Finds a model's price, accepting dated snapshots (`gpt-4.1-nano-2025-04-14` -> `gpt-4.1-nano`). */
function lookup<T>(table: Record<string, T>, model: string | null | undefined, kind: string): T {
  if (!model) throw new ValidationError([{ path: 'model', message: `a model is required to price ${kind}` }])
  const found = table[model] ?? table[model.replace(/-\d{4}-\d{2}-\d{2}$/, '')]
  if (found === undefined) {
    throw new ValidationError([{ path: 'model', message: `no ${kind} price for model "${model}"` }])
  }
  return found
}

/**
 * A fixed price per call, in credits (decimals allowed: `fixed(0.5)`).
 * @example fixed(10) // every call costs 10 credits
 */
export function fixed(credits: number): Pricer {
  const price = rational(credits)
  return { price: () => price }
}

/** A catalog price at a prompt size: the last tier the prompt is past, else the base. */
function atPromptSize(price: CatalogPrice, promptTokens: Rational): Rational {
  if (Array.isArray(price)) return fraction(price as readonly [number, number])
  const tiered = price as Exclude<CatalogPrice, readonly [number, number]>
  let chosen = tiered.base
  for (const [start, p] of tiered.tiers) if (promptTokens.n > BigInt(start) * promptTokens.d) chosen = p
  return fraction(chosen)
}

function fraction([n, d]: readonly [number, number]): Rational {
  return div(rational(n), rational(d))
}

interface ResolvedTokenPrice {
  input: Rational
  cachedInput: Rational
  cacheWrite: Rational
  output: Rational
}

function fromOverride(p: TokenPrice): ResolvedTokenPrice {
  const input = rational(p.input)
  return {
    input,
    cachedInput: p.cachedInput === undefined ? input : rational(p.cachedInput),
    cacheWrite: p.cacheWrite === undefined ? input : rational(p.cacheWrite),
    output: rational(p.output),
  }
}

function fromCatalog(e: CatalogEntry, promptTokens: Rational): ResolvedTokenPrice {
  const input = atPromptSize(e.input, promptTokens)
  return {
    input,
    cachedInput: e.cachedInput === undefined ? input : atPromptSize(e.cachedInput, promptTokens),
    cacheWrite: e.cacheWrite === undefined ? input : atPromptSize(e.cacheWrite, promptTokens),
    output: atPromptSize(e.output, promptTokens),
  }
}

/** Your table first (by name, then without a provider prefix or snapshot date), then the catalog. */
function tokenPrice(
  overrides: Record<string, TokenPrice>,
  model: string | null | undefined,
  promptTokens: Rational,
): ResolvedTokenPrice {
  if (!model) throw new ValidationError([{ path: 'model', message: 'a model is required to price token' }])
  for (const name of candidateNames(model)) {
    const own = Object.hasOwn(overrides, name) ? overrides[name] : undefined
    if (own !== undefined) return fromOverride(own)
  }
  const listed = catalogPrice(model)
  if (listed === undefined) {
    throw new ValidationError([{ path: 'model', message: `no token price for model "${model}"` }])
  }
  return fromCatalog(listed, promptTokens)
}

/**
 * Prices tokens in USD per 1M tokens from the bundled catalog (OpenAI, Anthropic, Google, xAI,
 * Mistral, DeepSeek; see `CATALOG_DATE`), with your own `models` winning over it.
 * @example perToken({ markup: 1.3, creditValue: 0.001 }) // list prices, cost x 1.3, 1 credit = $0.001
 * @example perToken({ models: { 'my-finetune': { input: 3, output: 12 } } }) // add or override a model
 */
export function perToken(
  options: Economics & {
    /** USD per 1M tokens by model id; these win over the catalog. */
    models?: Record<string, TokenPrice>
  } = {},
): Pricer {
  const overrides = options.models ?? {}
  const f = factor(options)
  return {
    price(usage: MeteredUsage) {
      // No tokens, no model needed; a count that is present but not 0 (NaN too) is checked below.
      if ((usage.inputTokens ?? 0) === 0 && (usage.outputTokens ?? 0) === 0) return ZERO
      const input = count(usage.inputTokens, 'inputTokens')
      const cached = count(usage.cachedInputTokens, 'cachedInputTokens')
      const written = count(usage.cacheWriteTokens, 'cacheWriteTokens')
      const p = tokenPrice(overrides, usage.model, input)
      // inputTokens includes cached reads and cache writes; what is left is billed at the input rate.
      const rest = input.n - cached.n - written.n
      const uncached: Rational = rest > 0n ? { n: rest, d: 1n } : ZERO
      const usd = sum([
        mul(uncached, p.input),
        mul(cached, p.cachedInput),
        mul(written, p.cacheWrite),
        mul(count(usage.outputTokens, 'outputTokens'), p.output),
      ])
      return mul(div(usd, MILLION), f)
    },
  }
}

/**
 * Prices generated images by model, quality and size (USD per image). Unknown or `auto`
 * quality is priced as `high`, the worst case.
 * @example perImage({ markup: 1.3, creditValue: 0.001 })
 */
export function perImage(
  options: Economics & {
    /** @default openaiImagePrices */
    models?: Record<string, ImagePrices>
  } = {},
): Pricer {
  const models = options.models ?? openaiImagePrices
  const f = factor(options)
  return {
    price(usage: MeteredUsage) {
      if (!usage.images || usage.images.count === 0) return ZERO
      const table = lookup(models, usage.model, 'image')
      // A quality the table does not know ('auto', or none said) is priced as high: the worst case.
      const said = usage.images.quality ?? 'high'
      const quality: keyof ImagePrices = said in table ? (said as keyof ImagePrices) : 'high'
      const bySize = table[quality]
      if (bySize === undefined) {
        throw new ValidationError([{ path: 'quality', message: `no image price for quality "${quality}"` }])
      }
      const size = usage.images.size ?? '1024x1024'
      const usd = bySize[size as keyof typeof bySize]
      if (usd === undefined) {
        throw new ValidationError([{ path: 'size', message: `no image price for size "${size}"` }])
      }
      return mul(mul(count(usage.images.count, 'images.count'), rational(usd)), f)
    },
  }
}

/**
 * A price in credits per hosted tool call; tools not listed are free.
 * @example perToolCall({ web_search: 13 })
 */
export function perToolCall(credits: Record<string, number>): Pricer {
  const prices = Object.fromEntries(Object.entries(credits).map(([k, v]) => [k, rational(v)]))
  return {
    price(usage: MeteredUsage) {
      let total = ZERO
      for (const [tool, calls] of Object.entries(usage.toolCalls ?? {})) {
        const p = prices[tool]
        if (p) total = add(total, mul(count(calls, `toolCalls.${tool}`), p))
      }
      return total
    },
  }
}

/** The sum of several pricers, e.g. tokens plus tool calls; still rounded once. */
export function combine(...pricers: Pricer[]): Pricer {
  return { price: (usage) => sum(pricers.map((p) => p.price(usage))) }
}
