import { type Evaluation, evaluateRule, type RuleStateData } from './algorithms.js'
import type { ConsumeItem, ConsumeResult } from './types.js'

/** A call's decision and, per item, the evaluation whose `next` state a store writes when it is admitted. */
export interface ConsumeEvaluation {
  /** What `LimiterStore.consume` answers for the call. */
  result: ConsumeResult
  /** Per item, in request order: its evaluation, with the state to store when the call is admitted. */
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
  const rules = items.map(({ name, key, rule }, i) => {
    const { allowed, remaining, reset, retryAfter } = evaluations[i]!
    return { name, key, limit: rule.limit, remaining, reset, retryAfter, allowed }
  })
  return { result: { allowed: evaluations.every((e) => e.allowed), rules, now }, evaluations }
}
