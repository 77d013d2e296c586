import { estimateResponses, meteredResponsesStream } from '@metered/next/ai'
import { type TurnRequest, turnRequest } from '@/lib/chat-schema'
import { demoResponsesStream } from '@/lib/demo-model'
import { CHAT_MODEL } from '@/lib/env'
import { metered } from '@/lib/metered'
import { INSTRUCTIONS, MAX_OUTPUT_TOKENS, openaiClient } from '@/lib/openai'

export const runtime = 'nodejs'

/** Tools are built here from names the client may switch on; a tool definition never comes from the client. */
function serverTools(body: TurnRequest) {
  const available = { web_search: { type: 'web_search' as const } }
  return (body.tools ?? []).map((name) => available[name])
}

/** The Responses API request of one turn (one function-call round trip = one metered turn). */
function responsesRequest(body: TurnRequest) {
  return {
    model: CHAT_MODEL,
    instructions: INSTRUCTIONS,
    input: body.messages,
    tools: serverTools(body),
    max_output_tokens: MAX_OUTPUT_TOKENS,
    parallel_tool_calls: false,
  }
}

/**
 * The starter's generate route, metered: 401 without a session, 429 over the limits, 402 without
 * enough credits for the worst case (prompt + max output tokens); else a hold of that size, the
 * SSE stream `data: {"event": type, "data": event}`, and a charge of the real usage from
 * `response.completed` (cost x 1.3) when the stream ends. A client abort pays for what was produced.
 */
export const POST = metered.withCredits(
  {
    feature: 'generate',
    schema: turnRequest,
    estimate: (_req, { body }) => estimateResponses(responsesRequest(body), { model: CHAT_MODEL }),
  },
  async (_req, ctx) => {
    const openai = openaiClient()
    if (!openai) {
      const events = demoResponsesStream(
        { messages: ctx.body.messages, instructions: INSTRUCTIONS, model: CHAT_MODEL },
        ctx.signal,
      )
      return meteredResponsesStream(events, ctx, { headers: { 'X-Demo-Model': 'true' } })
    }
    const events = await openai.responses.create(
      { ...responsesRequest(ctx.body), stream: true },
      { signal: ctx.signal },
    )
    return meteredResponsesStream(events, ctx)
  },
)
