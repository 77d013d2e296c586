/** An exact price as [numerator, denominator]: [3, 40] is 0.075. */
export type Fraction = readonly [number, number]

/**
 * A price that may rise with the prompt: past `start` input tokens (cached ones included) the
 * whole request is priced at that tier, as Anthropic and Google bill long contexts.
 */
export type CatalogPrice =
  | Fraction
  | { readonly base: Fraction; readonly tiers: ReadonlyArray<readonly [number, Fraction]> }

/** One model's prices in USD per 1M tokens. Absent `cachedInput` / `cacheWrite` cost as `input`. */
export interface CatalogEntry {
  readonly provider: string
  readonly input: CatalogPrice
  readonly cachedInput?: CatalogPrice
  readonly cacheWrite?: CatalogPrice
  readonly output: CatalogPrice
}
