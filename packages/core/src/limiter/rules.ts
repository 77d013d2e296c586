import { type Duration, toMs } from '../duration.js'
import { ValidationError } from '../errors.js'
import type { RuleSpec } from './types.js'

function positiveInt(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new ValidationError([{ path: field, message: 'must be a positive integer' }])
  }
  return value
}

/**
 * At most `limit` units per window, windows aligned to the epoch (a `'1 d'` window resets at
 * 00:00 UTC). Cheapest to store; allows up to 2x `limit` across a window boundary.
 * @example fixedWindow({ limit: 1000, window: '1 d' })
 */
export function fixedWindow(options: { limit: number; window: Duration }): RuleSpec {
  return {
    kind: 'fixed_window',
    limit: positiveInt(options.limit, 'limit'),
    windowMs: toMs(options.window, 'window'),
    refillAmount: 0,
  }
}

/**
 * At most `limit` units in any window of the given length, approximated from two fixed windows
 * (previous one weighted by how much of it is still inside). Smooths the boundary burst of a
 * fixed window at the cost of two counters.
 * @example slidingWindow({ limit: 60, window: '1 m' })
 */
export function slidingWindow(options: { limit: number; window: Duration }): RuleSpec {
  return {
    kind: 'sliding_window',
    limit: positiveInt(options.limit, 'limit'),
    windowMs: toMs(options.window, 'window'),
    refillAmount: 0,
  }
}

/**
 * A bucket of `capacity` tokens that starts full and refills continuously by `refillAmount`
 * tokens every `refillEvery`. Allows bursts up to `capacity`, then a steady rate.
 * @example tokenBucket({ capacity: 10, refillEvery: '1 s' }) // bursts of 10, then 1 per second
 */
export function tokenBucket(options: {
  capacity: number
  refillEvery: Duration
  /** @default 1 */
  refillAmount?: number
}): RuleSpec {
  return {
    kind: 'token_bucket',
    limit: positiveInt(options.capacity, 'capacity'),
    windowMs: toMs(options.refillEvery, 'refillEvery'),
    refillAmount: positiveInt(options.refillAmount ?? 1, 'refillAmount'),
  }
}
