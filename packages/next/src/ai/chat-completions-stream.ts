import { type ChatCompletionLike, fromChatCompletion } from '@metered/core'
import { iterableToStream } from './iterable-stream.js'
import { createProducedTracker } from './produced.js'
import { encodeText, sseData, sseHeaders } from './sse.js'
import type { MeterableContext, StreamHelperOptions } from './types.js'

/** A Chat Completions stream chunk, structurally (the `openai` SDK's `ChatCompletionChunk`). */
export interface ChatCompletionChunkLike extends ChatCompletionLike {
  choices?: Array<{
    delta?: {
      content?: string | null
      refusal?: string | null
      tool_calls?: Array<{ function?: { name?: string | null; arguments?: string | null } | null }> | null
    } | null
  }> | null
}

export interface ChatCompletionsStreamOptions extends StreamHelperOptions {
  /**
   * `'sse'`: the chunks as OpenAI sends them (`data: <chunk>\n\n`, then `data: [DONE]`).
   * `'text'`: only the content, as plain text (what `fetch` + `TextDecoder` UIs read).
   * @default 'sse'
   */
  format?: 'sse' | 'text'
}

/** Output characters in a chunk: content, refusal and tool-call names and arguments. */
function outputOf(chunk: ChatCompletionChunkLike): string {
  let text = ''
  for (const choice of chunk.choices ?? []) {
    const delta = choice.delta
    if (!delta) continue
    text += (delta.content ?? '') + (delta.refusal ?? '')
    for (const call of delta.tool_calls ?? []) text += (call.function?.name ?? '') + (call.function?.arguments ?? '')
  }
  return text
}

/**
 * Forwards a Chat Completions stream and meters it by the usage of its last chunk: create the
 * stream with `stream_options: { include_usage: true }` so there is one. Without it (or when the
 * stream is cut short) the output is counted at ceil(characters / 4) tokens plus the estimated input.
 * @example
 * const chunks = await openai.chat.completions.create(
 *   { ...body, stream: true, stream_options: { include_usage: true } }, { signal: ctx.signal })
 * return meteredChatCompletionsStream(chunks, ctx)
 */
export function meteredChatCompletionsStream(
  stream: AsyncIterable<ChatCompletionChunkLike>,
  ctx: MeterableContext,
  options: ChatCompletionsStreamOptions = {},
): Response {
  const tracker = createProducedTracker(ctx, options)
  const text = options.format === 'text'
  const body = iterableToStream(
    stream,
    tracker,
    (chunk) => {
      tracker.model(chunk.model)
      const output = outputOf(chunk)
      tracker.output(output)
      if (chunk.usage) tracker.usage(fromChatCompletion(chunk))
      if (text) {
        const content = chunk.choices?.[0]?.delta?.content
        return content ? encodeText(content) : null
      }
      return sseData(chunk)
    },
    () => (text ? null : encodeText('data: [DONE]\n\n')),
  )
  const headers = text ? new Headers(options.headers) : sseHeaders(options.headers)
  if (text) headers.set('Content-Type', 'text/plain; charset=utf-8')
  return new Response(body, { headers })
}
