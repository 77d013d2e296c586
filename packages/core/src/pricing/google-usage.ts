import type { MeteredUsage } from './types.js'

/**
 * A Google GenAI `generateContent` response (or the last chunk of a stream, which carries the
 * totals). Thinking tokens are reported apart from the answer and billed as output, so they are
 * added to `outputTokens`; tool-use prompt tokens are billed as input.
 */
export interface GoogleResponseLike {
  modelVersion?: string | null
  usageMetadata?: {
    promptTokenCount?: number | null
    cachedContentTokenCount?: number | null
    candidatesTokenCount?: number | null
    thoughtsTokenCount?: number | null
    toolUsePromptTokenCount?: number | null
  } | null
}

/** `model` is the id you asked for; without it the response's `modelVersion` is used. */
export function fromGoogle(response: GoogleResponseLike, model?: string | null): MeteredUsage {
  const u = response.usageMetadata
  return {
    model: model ?? response.modelVersion ?? null,
    inputTokens: (u?.promptTokenCount ?? 0) + (u?.toolUsePromptTokenCount ?? 0),
    cachedInputTokens: u?.cachedContentTokenCount ?? 0,
    outputTokens: (u?.candidatesTokenCount ?? 0) + (u?.thoughtsTokenCount ?? 0),
  }
}
