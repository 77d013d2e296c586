import type { BucketState, RuleStateData, WindowState } from './algorithms.js'
import type { RuleSpec } from './types.js'

/**
 * Epoch ms from which a stored rule state can no longer change any decision, so a store may
 * forget it: reading "no state" from then on evaluates exactly like reading this state would.
 * - fixed window: the end of its window;
 * - sliding window: the end of the window after it (it is still weighted as the previous one);
 * - token bucket: when the bucket has refilled completely, plus 1 ms so that floating-point
 *   refill arithmetic has certainly reached `limit` (an early drop would otherwise report one
 *   token more than the state held).
 */
export function stateExpiresAt(rule: RuleSpec, state: RuleStateData): number {
  const W = rule.windowMs
  switch (rule.kind) {
    case 'fixed_window':
      return ((state as WindowState).window + 1) * W
    case 'sliding_window':
      return ((state as WindowState).window + 2) * W
    case 'token_bucket': {
      const bucket = state as BucketState
      const rate = rule.refillAmount / W
      if (rate <= 0) return Number.POSITIVE_INFINITY
      return bucket.updatedAt + Math.ceil(Math.max(0, rule.limit - bucket.tokens) / rate) + 1
    }
  }
}
