import { type Evaluation, evaluateRule, type RuleStateData } from './algorithms.js'
import type { ConsumeItem, ConsumeResult } from './types.js'

/** A call's decision and, per item, the evaluation whose `next` state a store writes when it is admitted. */
export interface ConsumeEvaluation {
  result: ConsumeResult
  evaluations: Evaluation<RuleStateData>[]
}

/**
 * Decides one consume call from the states its items held at `now` (null: none, or expired), with
 * the arithmetic of algorithms.ts: admitted when every rule admits. The memory store decides with
 * it; a store that decides in its own language (Redis Lua) answers with the states it read and
 * `now`, and builds its result here, so every store reports `remaining`, `reset` and `retryAfter`
 * from one text.
 */
export function evaluateConsume(
  items: readonly ConsumeItem[],
  states: readonly (RuleStateData | null)[],
  now: number,
): ConsumeEvaluation {
  const evaluations = items.map((item, i) => evaluateRule(item.rule, states[i] ?? null, now, item.cost))
  const rules = items.map((item, i) => {
    const e = evaluations[i]!
    return {
      name: item.name,
      key: item.key,
      limit: item.rule.limit,
      remaining: e.remaining,
      reset: e.reset,
      retryAfter: e.retryAfter,
      allowed: e.allowed,
    }
  })
  return { result: { allowed: evaluations.every((e) => e.allowed), rules, now }, evaluations }
}
