import type { MeteredUsage } from '@metered/core'
import type { MeterableContext, StreamHelperOptions } from './types.js'

/**
 * Characters per output token when counting what a stream produced before it was cut short.
 * 4 is OpenAI's rule of thumb for English; the provider's own count is used whenever it reports
 * one, so this only prices aborted or failed streams.
 */
export const CHARS_PER_TOKEN = 4

/**
 * Tracks what a stream produced so far and reports it to `ctx.charge` exactly once: the
 * provider's usage when it arrives; else, when the stream is cut short, the estimated input plus
 * ceil(output characters / 4) output tokens. A client that leaves once the upstream stream has
 * started pays that even before any text (the prompt was sent and is billed upstream); an upstream
 * failure before any text, or a client gone before the first event, reports nothing, and the
 * wrapper releases the hold.
 */
export function createProducedTracker(ctx: MeterableContext, options: StreamHelperOptions) {
  let chars = 0
  let model: string | null = options.model ?? null
  let reported = false
  let started = false
  const estimate = typeof ctx.estimate === 'object' ? ctx.estimate : null

  /** The stream stopped before the usage: `left` when the client went away. */
  function cutShort(left = ctx.signal?.aborted === true) {
    if (reported) return
    if (chars === 0 && !(left && started)) return
    reported = true
    ctx.charge({
      usage: {
        model: model ?? estimate?.model ?? null,
        inputTokens: options.inputTokens ?? estimate?.inputTokens ?? 0,
        outputTokens: Math.ceil(chars / CHARS_PER_TOKEN),
      },
    })
  }

  return {
    /** An event arrived from the provider: the upstream call is under way. */
    event() {
      started = true
    },
    output(text: string) {
      chars += text.length
    },
    model(name: string | null | undefined) {
      if (name && !options.model) model = name
    },
    get reported() {
      return reported
    },
    /** The provider's usage: the exact charge. */
    usage(usage: MeteredUsage) {
      if (reported) return
      reported = true
      ctx.charge({ usage })
    },
    /** The stream failed (an abort shows in `ctx.signal`). */
    cutShort: () => cutShort(),
    /** The consumer cancelled the stream: the client left. */
    cancelled: () => cutShort(true),
    /**
     * The stream ended normally. Without a usage report (no `include_usage`, a failed response),
     * charge the counted output, or explicitly nothing, so the wrapper does not fall back to
     * charging the whole estimate.
     */
    finish() {
      if (reported) return
      // an iterator that simply stops when the client aborts is a client that left
      if (chars > 0 || ctx.signal?.aborted) return cutShort()
      reported = true
      ctx.charge(0)
    },
  }
}
