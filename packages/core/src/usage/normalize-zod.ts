import { parse, toEpoch, usageEventInputSchema } from '../schemas.js'
import type { NormalizedUsageEvent } from './normalized.js'
import type { UsageEventInput } from './types.js'

/**
 * `normalizeUsageEvent` by zod alone: its fallback when the hand-written check (fast-parse.ts)
 * defers, and the reference that check is tested against. Internal: not exported from the package.
 */

/** `normalizeUsageEvent` by zod alone: the reference the fast path is tested against. */
export function normalizeUsageEventWithZod(input: UsageEventInput, now: number): NormalizedUsageEvent {
  const v = parse(usageEventInputSchema, input, 'usage event')
  return {
    account: v.account,
    userId: v.userId ?? null,
    feature: v.feature,
    amount: v.amount,
    shortfall: v.shortfall ?? 0,
    model: v.model ?? null,
    inputTokens: v.inputTokens ?? 0,
    cachedInputTokens: v.cachedInputTokens ?? 0,
    outputTokens: v.outputTokens ?? 0,
    quantity: v.quantity ?? 0,
    status: v.status,
    latencyMs: v.latencyMs ?? null,
    metadata: v.metadata ?? null,
    at: v.at === undefined ? now : toEpoch(v.at),
  }
}
