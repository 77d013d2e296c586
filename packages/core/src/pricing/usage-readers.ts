import type { MeteredUsage } from './types.js'

/**
 * Readers that turn what providers report into `MeteredUsage`. Structural types: pass the
 * provider's object as is, no SDK import needed.
 */

const TOOL_ITEM_TYPES: Record<string, string> = {
  web_search_call: 'web_search',
  file_search_call: 'file_search',
  code_interpreter_call: 'code_interpreter',
  image_generation_call: 'image_generation',
}

/** A Responses API `response` object (e.g. `event.response` of `response.completed`). */
export interface ResponsesLike {
  model?: string | null
  usage?: {
    input_tokens?: number
    input_tokens_details?: { cached_tokens?: number } | null
    output_tokens?: number
  } | null
  output?: Array<{ type?: string }> | null
}

/** The usage of an OpenAI Responses API response (or its `response.completed` event): tokens, cached input and tool calls. */
export function fromResponses(response: ResponsesLike): MeteredUsage {
  const toolCalls: Record<string, number> = {}
  for (const item of response.output ?? []) {
    const tool = item.type ? TOOL_ITEM_TYPES[item.type] : undefined
    if (tool) toolCalls[tool] = (toolCalls[tool] ?? 0) + 1
  }
  return {
    model: response.model ?? null,
    inputTokens: response.usage?.input_tokens ?? 0,
    cachedInputTokens: response.usage?.input_tokens_details?.cached_tokens ?? 0,
    outputTokens: response.usage?.output_tokens ?? 0,
    toolCalls,
  }
}

/** A Chat Completions response or the last chunk of a stream with `stream_options.include_usage`. */
export interface ChatCompletionLike {
  model?: string | null
  usage?: {
    prompt_tokens?: number
    completion_tokens?: number
    prompt_tokens_details?: { cached_tokens?: number } | null
  } | null
}

/** The usage of an OpenAI Chat Completions response (or its last streamed chunk with `include_usage`). */
export function fromChatCompletion(completion: ChatCompletionLike): MeteredUsage {
  return {
    model: completion.model ?? null,
    inputTokens: completion.usage?.prompt_tokens ?? 0,
    cachedInputTokens: completion.usage?.prompt_tokens_details?.cached_tokens ?? 0,
    outputTokens: completion.usage?.completion_tokens ?? 0,
  }
}

/** An Images API response; size and quality come from the response when it reports them, else from the request. */
export interface ImagesResponseLike {
  data?: unknown[] | null
  size?: string | null
  quality?: string | null
}

/**
 * The usage of an OpenAI Images response: the image count, size and quality, from the response or
 * else from the request (model defaults to `gpt-image-1`).
 */
export function fromImages(
  response: ImagesResponseLike,
  request: { model?: string | null; size?: string | null; quality?: string | null; n?: number | null } = {},
): MeteredUsage {
  return {
    model: request.model ?? 'gpt-image-1',
    images: {
      count: response.data?.length ?? request.n ?? 1,
      size: response.size ?? request.size ?? null,
      quality: response.quality ?? request.quality ?? null,
    },
  }
}

/**
 * The Vercel AI SDK's usage: both the flat shape (`inputTokens: number`) and the detailed one
 * (`inputTokens: { total, cacheRead }`, `outputTokens: { total }`).
 */
export interface AiSdkUsageLike {
  inputTokens?: number | { total?: number | undefined; cacheRead?: number | undefined } | undefined
  outputTokens?: number | { total?: number | undefined } | undefined
  cachedInputTokens?: number | undefined
}

/** The usage the Vercel AI SDK reports (flat or detailed shape), with the model to price it by. */
export function fromAiSdk(usage: AiSdkUsageLike, model?: string | null): MeteredUsage {
  const input = usage.inputTokens
  const output = usage.outputTokens
  return {
    model: model ?? null,
    inputTokens: typeof input === 'number' ? input : (input?.total ?? 0),
    cachedInputTokens: typeof input === 'object' ? (input.cacheRead ?? 0) : (usage.cachedInputTokens ?? 0),
    outputTokens: typeof output === 'number' ? output : (output?.total ?? 0),
  }
}
