import type { ConsumeRequest, ConsumeResult } from './types.js'

/**
 * A limiter store as `limiterStoreFrom` drives it: the request is one `consumeRequestSchema`
 * accepts (1..32 items, each (key, name) once, rules within their bounds), the reset's key and
 * names are valid. A driver decides and writes all items in one atomic step (docs/semantics.md,
 * Limiter store).
 */
export interface LimiterDriver {
  /** `LimiterStore.consume` on a validated request. */
  consume(request: ConsumeRequest): Promise<ConsumeResult>
  /** `LimiterStore.reset` on validated names. */
  reset(key: string, names: string[]): Promise<void>
}
