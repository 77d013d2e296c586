import type { Rational } from './rational.js'

/**
 * What a call used, normalised from any provider's report (see the usage readers). Token counts
 * follow OpenAI: `inputTokens` includes `cachedInputTokens` and `cacheWriteTokens`.
 */
export interface MeteredUsage {
  model?: string | null
  inputTokens?: number
  cachedInputTokens?: number
  /** Tokens written to the prompt cache (Anthropic's `cache_creation_input_tokens`); part of `inputTokens`. */
  cacheWriteTokens?: number
  outputTokens?: number
  images?: { count: number; size?: string | null; quality?: string | null } | null
  /** Hosted tool calls by tool name, e.g. `{ web_search: 2 }`. */
  toolCalls?: Record<string, number> | null
}

/**
 * Turns usage into an exact price in credits. `metered` converts credits to ledger units and
 * rounds up once per charge. Price the worst case (prompt + max output tokens) for holds.
 */
export interface Pricer {
  /** The exact price of this usage, in credits. */
  price(usage: MeteredUsage): Rational
}
