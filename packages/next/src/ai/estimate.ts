import type { MeteredUsage } from '@metered/core'
import { countInputTokens } from './count-tokens.js'

export { ESTIMATE_CHARS_PER_TOKEN } from './count-tokens.js'

/** Output tokens assumed when the request sets no limit. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 4096

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
 * The worst case of a Responses API call, for `withCredits({ estimate })`: the input tokens of
 * `input`, `instructions` and `tools` (counted with the model's tokenizer for OpenAI models, else
 * ceil(chars / 3), on the high side), plus
 * `max_output_tokens` (or `options.maxOutputTokens`, default 4096). A `previous_response_id`
 * conversation is not visible here: its stored turns are input the hold does not cover, and a
 * settle above the hold takes the rest from the balance (never below zero).
 * @example
 * estimate: (req, { body }) => estimateResponses(body, { model: 'gpt-4.1-nano', maxOutputTokens: 2048 })
 */
export async function estimateResponses(
  request: ResponsesRequestLike,
  options: EstimateOptions = {},
): Promise<MeteredUsage> {
  const model = options.model ?? request.model ?? null
  return {
    model,
    inputTokens: await countInputTokens(model, [request.input, request.instructions, request.tools]),
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
 * The worst case of a Chat Completions call: the input tokens of `messages` and `tools` (as in
 * `estimateResponses`), plus
 * `max_completion_tokens` (or `max_tokens`, or `options.maxOutputTokens`, default 4096) times `n`.
 * @example
 * estimate: (req, { body }) => estimateChatCompletions(body, { model: 'gpt-4.1-mini' })
 */
export async function estimateChatCompletions(
  request: ChatCompletionsRequestLike,
  options: EstimateOptions = {},
): Promise<MeteredUsage> {
  const perChoice =
    request.max_completion_tokens ?? request.max_tokens ?? options.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS
  const model = options.model ?? request.model ?? null
  return {
    model,
    inputTokens: await countInputTokens(model, [request.messages, request.tools]),
    outputTokens: perChoice * Math.max(1, request.n ?? 1),
  }
}
