import type { MeteredUsage } from '@metered/core'

/**
 * Characters per input token when estimating a prompt before the call. 3 is deliberately below
 * the ~4 of English text (JSON punctuation, code and other languages tokenize denser), so the
 * hold errs on the high side; settle charges the provider's real count.
 */
export const ESTIMATE_CHARS_PER_TOKEN = 3

/** Output tokens assumed when the request sets no limit. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 4096

function tokensOf(value: unknown): number {
  if (value === undefined || value === null) return 0
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return Math.ceil(text.length / ESTIMATE_CHARS_PER_TOKEN)
}

/** Options of `estimateResponses` and `estimateChatCompletions`. */
export interface EstimateOptions {
  /** The model to price with. @default the request's `model` */
  model?: string
  /**
   * Output tokens to hold for when the request sets none.
   * @default 4096
   */
  maxOutputTokens?: number
}

/** The parts of a Responses API request that the estimate reads. */
export interface ResponsesRequestLike {
  model?: string | null
  input?: unknown
  instructions?: unknown
  tools?: unknown
  max_output_tokens?: number | null
}

/**
 * The worst case of a Responses API call, for `withCredits({ estimate })`: input tokens from the
 * JSON length of `input`, `instructions` and `tools` (ceil(chars / 3), on the high side), plus
 * `max_output_tokens` (or `options.maxOutputTokens`, default 4096). A `previous_response_id`
 * conversation is not visible here: its stored turns are input the hold does not cover, and a
 * settle above the hold takes the rest from the balance (never below zero).
 * @example
 * estimate: (req, { body }) => estimateResponses(body, { model: 'gpt-4.1-nano', maxOutputTokens: 2048 })
 */
export function estimateResponses(request: ResponsesRequestLike, options: EstimateOptions = {}): MeteredUsage {
  return {
    model: options.model ?? request.model ?? null,
    inputTokens: tokensOf(request.input) + tokensOf(request.instructions) + tokensOf(request.tools),
    outputTokens: request.max_output_tokens ?? options.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
  }
}

/** The parts of a Chat Completions request that the estimate reads. */
export interface ChatCompletionsRequestLike {
  model?: string | null
  messages?: unknown
  tools?: unknown
  max_completion_tokens?: number | null
  max_tokens?: number | null
  n?: number | null
}

/**
 * The worst case of a Chat Completions call: ceil(chars / 3) of `messages` and `tools`, plus
 * `max_completion_tokens` (or `max_tokens`, or `options.maxOutputTokens`, default 4096) times `n`.
 * @example
 * estimate: (req, { body }) => estimateChatCompletions(body, { model: 'gpt-4.1-mini' })
 */
export function estimateChatCompletions(
  request: ChatCompletionsRequestLike,
  options: EstimateOptions = {},
): MeteredUsage {
  const perChoice =
    request.max_completion_tokens ?? request.max_tokens ?? options.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS
  return {
    model: options.model ?? request.model ?? null,
    inputTokens: tokensOf(request.messages) + tokensOf(request.tools),
    outputTokens: perChoice * Math.max(1, request.n ?? 1),
  }
}
