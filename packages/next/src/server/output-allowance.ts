import type { MeteredUsage } from '@metered/core'

/**
 * Output tokens to hold for, learned per model from the turns a route has settled. A prompt is
 * counted before the call, but its answer's length is not known until the end: holding the
 * request's whole `max_output_tokens` makes a typical hold several times the typical charge and
 * keeps the balance tied up. The allowance is the longest answer among the last `WINDOW` settled
 * turns of the model (what a route's answers actually reach), never above the request's cap;
 * until `WARM_UP` turns were seen it is the cap. It lives in the process: a fresh instance starts
 * from the cap again, which is the safe side.
 */
export const WINDOW = 20
export const WARM_UP = 3
const MAX_MODELS = 1000

export interface OutputAllowance {
  /** The output tokens to hold for, at most `cap`. */
  allowance(model: string | null | undefined, cap: number): number
  /** An answer of `outputTokens` was settled. */
  record(model: string | null | undefined, outputTokens: number): void
}

export function createOutputAllowance(): OutputAllowance {
  const seen = new Map<string, number[]>()
  return {
    allowance(model, cap) {
      const recent = seen.get(model ?? '')
      if (!recent || recent.length < WARM_UP) return cap
      return Math.min(cap, Math.max(1, ...recent))
    },
    record(model, outputTokens) {
      if (!Number.isSafeInteger(outputTokens) || outputTokens < 0) return
      const key = model ?? ''
      let recent = seen.get(key)
      if (!recent) {
        // Bounded: models come from server code, but a permissive schema must not grow this forever.
        if (seen.size >= MAX_MODELS) return
        recent = []
        seen.set(key, recent)
      }
      recent.push(outputTokens)
      if (recent.length > WINDOW) recent.shift()
    },
  }
}

/**
 * The most output tokens, at most `usage.outputTokens`, whose price with the rest of `usage` fits
 * in `units`; -1 when not even the prompt fits. Prices rise with output tokens, so a binary
 * search over the pricer finds it exactly.
 */
export function affordableOutputTokens(
  priceUnits: (usage: MeteredUsage) => number,
  usage: MeteredUsage,
  units: number,
): number {
  const cap = usage.outputTokens ?? 0
  const fits = (outputTokens: number) => priceUnits({ ...usage, outputTokens }) <= units
  if (!fits(0)) return -1
  if (fits(cap)) return cap
  let low = 0 // fits
  let high = cap // does not fit
  while (high - low > 1) {
    const mid = low + Math.floor((high - low) / 2)
    if (fits(mid)) low = mid
    else high = mid
  }
  return low
}
