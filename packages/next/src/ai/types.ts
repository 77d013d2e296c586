import type { MeteredUsage } from '@metered/core'
import type { ChargeInput } from '../server/types.js'

/**
 * What the stream helpers need from a `withCredits` handler's `ctx` (structural, so a hand-made
 * object works too outside the wrapper).
 */
export interface MeterableContext {
  /** Reports usage; the wrapper settles what was reported. */
  charge(amount: ChargeInput): void
  /** The hold's estimate: its `inputTokens` price the prompt when a stream is cut short. */
  estimate?: number | MeteredUsage
  /** Aborted when the client leaves. */
  signal?: AbortSignal
}

/** Options shared by the stream helpers. */
export interface StreamHelperOptions {
  /**
   * Input tokens to charge if the stream ends before the provider reports usage (client abort,
   * upstream failure after output).
   * @default `ctx.estimate.inputTokens` when the estimate is usage, else 0
   */
  inputTokens?: number
  /** The model to price a cut-short stream with. @default the model the stream reports, else `ctx.estimate.model` */
  model?: string
  /** Extra response headers. Default: none. */
  headers?: HeadersInit
}
