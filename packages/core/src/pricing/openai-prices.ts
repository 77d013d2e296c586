/**
 * OpenAI list prices in USD, as published on openai.com/api/pricing. `perImage` prices from the
 * image table here; `perToken` prices from the catalog (`@metered/core/prices`), and this text
 * table is for apps that want these dated prices as their own `models`.
 */
export const OPENAI_PRICES_DATE = '2025-08-07'

/** USD per 1M tokens. `cachedInput` and `cacheWrite` default to `input` when absent. */
export interface TokenPrice {
  input: number
  cachedInput?: number
  /** Writing the prompt cache (Anthropic bills it above the input rate). */
  cacheWrite?: number
  output: number
}

/**
 * OpenAI text model prices in USD per 1M tokens as published on 2025-08-07, kept for apps that
 * want this fixed table (`perToken({ models: openaiTextPrices })`); `perToken` uses the dated
 * catalog of `@metered/core/prices` by default.
 */
export const openaiTextPrices: Record<string, TokenPrice> = {
  'gpt-5': { input: 1.25, cachedInput: 0.125, output: 10 },
  'gpt-5-mini': { input: 0.25, cachedInput: 0.025, output: 2 },
  'gpt-5-nano': { input: 0.05, cachedInput: 0.005, output: 0.4 },
  'gpt-4.1': { input: 2, cachedInput: 0.5, output: 8 },
  'gpt-4.1-mini': { input: 0.4, cachedInput: 0.1, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, cachedInput: 0.025, output: 0.4 },
  'gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10 },
  'gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6 },
  o3: { input: 2, cachedInput: 0.5, output: 8 },
  'o4-mini': { input: 1.1, cachedInput: 0.275, output: 4.4 },
}

/** The quality levels OpenAI prices images by. */
export type ImageQuality = 'low' | 'medium' | 'high'
/** The image sizes OpenAI prices. */
export type ImageSize = '1024x1024' | '1024x1536' | '1536x1024'

/** USD per image, by quality then size. */
export type ImagePrices = Record<ImageQuality, Record<ImageSize, number>>

/** OpenAI image model prices in USD per image, the default table of `perImage`. */
export const openaiImagePrices: Record<string, ImagePrices> = {
  'gpt-image-1': {
    low: { '1024x1024': 0.011, '1024x1536': 0.016, '1536x1024': 0.016 },
    medium: { '1024x1024': 0.042, '1024x1536': 0.063, '1536x1024': 0.063 },
    high: { '1024x1024': 0.167, '1024x1536': 0.25, '1536x1024': 0.25 },
  },
}

/** USD per call of OpenAI's hosted tools. */
export const openaiToolPrices: Record<string, number> = {
  web_search: 0.01,
  file_search: 0.0025,
  code_interpreter: 0.03,
}
