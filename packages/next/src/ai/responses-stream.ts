import { fromResponses, type ResponsesLike } from '@metered/core'
import { iterableToStream } from './iterable-stream.js'
import { createProducedTracker } from './produced.js'
import { sseData, sseEvent, sseHeaders } from './sse.js'
import type { MeterableContext, StreamHelperOptions } from './types.js'

/** A Responses API stream event, structurally (the `openai` SDK's `ResponseStreamEvent`). */
export interface ResponsesEventLike {
  type: string
  delta?: unknown
  response?: ResponsesLike | null
}

/** Events whose `delta` is model output text (the ones billed as output tokens). */
function isTextDelta(event: ResponsesEventLike): event is ResponsesEventLike & { delta: string } {
  // audio deltas are base64 bytes, not text: counting them would overcharge an aborted stream
  return typeof event.delta === 'string' && event.type.endsWith('.delta') && event.type !== 'response.audio.delta'
}

/** Terminal events that carry the response's usage. */
const FINAL_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed'])

export interface ResponsesStreamOptions extends StreamHelperOptions {
  /**
   * `'starter-sse'`: `data: {"event": type, "data": event}\n\n`, what the OpenAI Responses
   * starter's `turn_response` route sends and its client parses. `'raw'`: standard SSE,
   * `event: <type>\ndata: <event>\n\n`.
   * @default 'starter-sse'
   */
  format?: 'starter-sse' | 'raw'
}

/**
 * Forwards an OpenAI Responses stream to the browser and meters it: the `response.completed`
 * (or `incomplete`/`failed`) usage is charged exactly; a stream cut short (client abort once the
 * stream started, upstream error after output) charges the estimated input plus ceil(output
 * characters / 4) tokens; one cut before its first event charges nothing. Use inside
 * `withCredits`, passing its `ctx`.
 * @example
 * const events = await openai.responses.create({ ...body, stream: true }, { signal: ctx.signal })
 * return meteredResponsesStream(events, ctx)
 */
export function meteredResponsesStream(
  stream: AsyncIterable<ResponsesEventLike>,
  ctx: MeterableContext,
  options: ResponsesStreamOptions = {},
): Response {
  const tracker = createProducedTracker(ctx, options)
  const raw = options.format === 'raw'
  const body = iterableToStream(stream, tracker, (event) => {
    if (isTextDelta(event)) tracker.output(event.delta)
    else if (event.response) {
      tracker.model(event.response.model)
      if (FINAL_EVENTS.has(event.type) && event.response.usage) tracker.usage(fromResponses(event.response))
    }
    return raw ? sseEvent(event.type, event) : sseData({ event: event.type, data: event })
  })
  return new Response(body, { headers: sseHeaders(options.headers) })
}
