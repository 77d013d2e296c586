import { estimateResponses } from '@metered/next/ai'
import type { TurnRequest } from './chat-schema'
import { CHAT_MODEL } from './env'

/** The starter's developer prompt. */
export const INSTRUCTIONS =
  'You are a helpful assistant in a demo app. Answer concisely; use web search only when the question needs fresh facts.'

/** The most output tokens one turn may produce (the request's `max_output_tokens`). */
export const MAX_OUTPUT_TOKENS = 1024

/** Tools are built here from names the client may switch on; a tool definition never comes from the client. */
function serverTools(body: TurnRequest) {
  const available = { web_search: { type: 'web_search' as const } }
  return (body.tools ?? []).map((name) => available[name])
}

/** The Responses API request of one turn (one function-call round trip = one metered turn). */
export function responsesRequest(body: TurnRequest, maxOutputTokens: number = MAX_OUTPUT_TOKENS) {
  return {
    model: CHAT_MODEL,
    instructions: INSTRUCTIONS,
    input: body.messages,
    tools: serverTools(body),
    max_output_tokens: maxOutputTokens,
    parallel_tool_calls: false,
  }
}

/** The usage one turn can reach at most: its prompt, counted, and `MAX_OUTPUT_TOKENS`. */
export function estimateTurn(body: TurnRequest) {
  return estimateResponses(responsesRequest(body), { model: CHAT_MODEL })
}
