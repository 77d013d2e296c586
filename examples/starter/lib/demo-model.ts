import 'server-only'
import type { ChatMessage } from './chat-schema'

/**
 * The DEMO MODEL used when `OPENAI_API_KEY` is unset: an in-process stand-in that streams the same
 * Responses API events the `openai` SDK yields (`response.created`, `response.output_text.delta`,
 * ..., `response.completed` with `usage`). The route meters it exactly like the real model:
 * `meteredResponsesStream` reads the usage from `response.completed` and the `generate` pricer
 * charges it at gpt-4.1-nano's list price x 1.3. Its replies are canned, and say so.
 */

export interface DemoEvent {
  type: string
  sequence_number: number
  [key: string]: unknown
}

const CHARS_PER_TOKEN = 4

/** Token counts the way the demo reports them (about 4 characters a token, like English text). */
export function demoTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / CHARS_PER_TOKEN))
}

function lastUserText(messages: ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]
    if (m?.role === 'user') return m.content
  }
  return ''
}

/** The canned answer: deterministic for a given conversation, so tests can price it. */
export function demoReply(messages: ChatMessage[], model: string): string {
  const said = lastUserText(messages).replace(/\s+/g, ' ').trim()
  const quote = said.length > 120 ? `${said.slice(0, 117)}...` : said
  return [
    `[DEMO MODEL] No OPENAI_API_KEY is set, so this reply comes from a local stand-in, not from ${model}.`,
    `You wrote: "${quote}".`,
    `This turn is still metered for real: its token usage is priced at ${model}'s list price x 1.3,`,
    'held before the stream started and settled from the response.completed event.',
    'Set OPENAI_API_KEY to talk to the real model.',
  ].join(' ')
}

export async function* demoResponsesStream(
  input: {
    messages: ChatMessage[]
    instructions: string
    model: string
    /** Like `max_output_tokens`: the reply stops there, as `response.incomplete`. @default no cap */
    maxOutputTokens?: number
  },
  signal?: AbortSignal,
): AsyncGenerator<DemoEvent> {
  const id = `resp_demo_${crypto.randomUUID().replaceAll('-', '')}`
  const itemId = `msg_demo_${crypto.randomUUID().replaceAll('-', '')}`
  const created_at = Math.floor(Date.now() / 1000)
  const full = demoReply(input.messages, input.model)
  const cap = input.maxOutputTokens ?? Number.POSITIVE_INFINITY
  const cut = demoTokens(full) > cap
  const text = cut ? full.slice(0, cap * CHARS_PER_TOKEN) : full
  const inputTokens = demoTokens(JSON.stringify(input.messages) + input.instructions)
  const outputTokens = demoTokens(text)
  let seq = 0
  const response = (status: string, extra: Record<string, unknown> = {}) => ({
    id,
    object: 'response',
    created_at,
    status,
    model: input.model,
    output: [] as unknown[],
    usage: null as unknown,
    metadata: { demo: 'true' },
    ...extra,
  })
  const event = (type: string, body: Record<string, unknown>): DemoEvent => ({ type, sequence_number: seq++, ...body })

  yield event('response.created', { response: response('in_progress') })
  yield event('response.in_progress', { response: response('in_progress') })
  const item = { id: itemId, type: 'message', role: 'assistant', status: 'in_progress', content: [] as unknown[] }
  yield event('response.output_item.added', { output_index: 0, item })
  yield event('response.content_part.added', {
    item_id: itemId,
    output_index: 0,
    content_index: 0,
    part: { type: 'output_text', text: '', annotations: [] },
  })
  // Word by word, with a little delay, so the page shows text as it arrives.
  for (const piece of text.match(/\S+\s*/g) ?? []) {
    if (signal?.aborted) return
    await new Promise((resolve) => setTimeout(resolve, 12))
    yield event('response.output_text.delta', {
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      delta: piece,
      logprobs: [],
    })
  }
  const part = { type: 'output_text', text, annotations: [] }
  yield event('response.output_text.done', { item_id: itemId, output_index: 0, content_index: 0, text, logprobs: [] })
  yield event('response.content_part.done', { item_id: itemId, output_index: 0, content_index: 0, part })
  const done = { ...item, status: 'completed', content: [part] }
  yield event('response.output_item.done', { output_index: 0, item: done })
  const final = cut ? 'incomplete' : 'completed'
  yield event(`response.${final}`, {
    response: response(final, {
      ...(cut ? { incomplete_details: { reason: 'max_output_tokens' } } : {}),
      output: [done],
      usage: {
        input_tokens: inputTokens,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: outputTokens,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: inputTokens + outputTokens,
      },
    }),
  })
}
