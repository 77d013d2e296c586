import { meteredResponsesStream } from '@metered/next/ai'
import { turnRequest } from '@/lib/chat-schema'
import { demoResponsesStream } from '@/lib/demo-model'
import { CHAT_MODEL } from '@/lib/env'
import { metered } from '@/lib/metered'
import { openaiClient } from '@/lib/openai'
import { topUpAfterSpending } from '@/lib/top-up'
import { estimateTurn, INSTRUCTIONS, MAX_OUTPUT_TOKENS, responsesRequest } from '@/lib/turn'

export const runtime = 'nodejs'

/**
 * The starter's generate route, metered: 401 without a session, 429 over the limits; a hold of the
 * prompt (counted with the model's tokenizer) plus the output recent answers reached; 402 when the
 * balance cannot pay for even a 256-token answer, and a shorter answer than MAX_OUTPUT_TOKENS
 * (`fit`, said in `Fitted-Output-Tokens`) when it cannot pay for a full one; then the SSE stream
 * `data: {"event": type, "data": event}`, and a charge of the real usage from `response.completed`
 * (cost x 1.3) when the stream ends. A client abort pays for what was produced. Then automatic
 * top-up, if the account turned it on and the balance fell below its threshold.
 */
export const POST = metered.withCredits(
  {
    feature: 'generate',
    schema: turnRequest,
    estimate: (_req, { body }) => estimateTurn(body),
    fit: { minOutputTokens: 256 },
  },
  async (_req, ctx) => {
    topUpAfterSpending(ctx.account)
    const openai = openaiClient()
    if (!openai) {
      const events = demoResponsesStream(
        {
          messages: ctx.body.messages,
          instructions: INSTRUCTIONS,
          model: CHAT_MODEL,
          maxOutputTokens: ctx.maxOutputTokens ?? MAX_OUTPUT_TOKENS,
        },
        ctx.signal,
      )
      return meteredResponsesStream(events, ctx, { headers: { 'X-Demo-Model': 'true' } })
    }
    const events = await openai.responses.create(
      // ctx.maxOutputTokens: MAX_OUTPUT_TOKENS, or what the balance affords (fit)
      { ...responsesRequest(ctx.body, ctx.maxOutputTokens ?? undefined), stream: true },
      { signal: ctx.signal },
    )
    return meteredResponsesStream(events, ctx)
  },
)
