import type { Limiter, LimitOptions } from './limiter-types.js'
import type { ConsumeRequest } from './types.js'

type Plan = (key: string, options: LimitOptions) => ConsumeRequest

/**
 * The planners of limiters built by `createLimiter` that skip the options check, for callers
 * inside core whose options were built from input already validated (`authorize` checks rule
 * names, costs and context with its own input). Any other limiter is planned through its public
 * `plan`, which checks.
 */
const checkedPlans = new WeakMap<Limiter, Plan>()

export function registerCheckedPlan(limiter: Limiter, plan: Plan): void {
  checkedPlans.set(limiter, plan)
}

export function checkedPlanOf(limiter: Limiter): Plan {
  return checkedPlans.get(limiter) ?? ((key, options) => limiter.plan(key, options))
}
