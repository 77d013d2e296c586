import type { MeteredUsage } from './types.js'

/**
 * An Anthropic Messages response (`client.messages.create`, or `stream.finalMessage()`). Its
 * `input_tokens` leave out cache reads and cache writes; `MeteredUsage.inputTokens` counts them.
 */
export interface AnthropicMessageLike {
  model?: string | null
  usage?: {
    input_tokens?: number | null
    output_tokens?: number | null
    cache_read_input_tokens?: number | null
    cache_creation_input_tokens?: number | null
    server_tool_use?: { web_search_requests?: number | null; web_fetch_requests?: number | null } | null
  } | null
}

/**
 * The usage of an Anthropic Messages response: cache reads and writes counted into `inputTokens`
 * and priced at their own rates, server web searches and fetches as tool calls.
 */
export function fromAnthropic(message: AnthropicMessageLike): MeteredUsage {
  const u = message.usage
  const read = u?.cache_read_input_tokens ?? 0
  const written = u?.cache_creation_input_tokens ?? 0
  const toolCalls: Record<string, number> = {}
  const searches = u?.server_tool_use?.web_search_requests ?? 0
  const fetches = u?.server_tool_use?.web_fetch_requests ?? 0
  if (searches > 0) toolCalls.web_search = searches
  if (fetches > 0) toolCalls.web_fetch = fetches
  return {
    model: message.model ?? null,
    inputTokens: (u?.input_tokens ?? 0) + read + written,
    cachedInputTokens: read,
    cacheWriteTokens: written,
    outputTokens: u?.output_tokens ?? 0,
    toolCalls,
  }
}
