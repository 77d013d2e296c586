import type { ReactNode } from 'react'
import { useMeteredState } from './context.js'
import { creditsLabel } from './format.js'
import type { InsufficientCreditsProblem } from './types.js'
import { useCredits } from './use-credits.js'

/** What `<LowCreditsNotice>`'s render function receives. */
export interface LowCreditsNoticeState {
  available: number | null
  /** Set when the last call was refused for lack of credits (402). */
  problem: InsufficientCreditsProblem | null
  /** Where to buy: the 402's `buyUrl`, else the `buyUrl` prop. */
  buyUrl: string | null
}

/** Props of `<LowCreditsNotice>`. */
export interface LowCreditsNoticeProps {
  /** Shown when the balance is below this (credits). @default 10 */
  threshold?: number | undefined
  /** Link target to buy credits; a 402's own `buyUrl` wins. Default: none (no link without a 402's). */
  buyUrl?: string | undefined
  /** Class of the notice. Default: none. */
  className?: string | undefined
  /** Your own markup. Default: a sentence with the balance and the buy link. */
  children?: (state: LowCreditsNoticeState) => ReactNode
}

/**
 * A nudge to buy credits: when the balance drops below `threshold`, and as an alert when a call
 * was refused with 402 (saying how many credits it needed).
 * @example
 * <LowCreditsNotice threshold={50} buyUrl="/buy-credits" />
 */
export function LowCreditsNotice({ threshold = 10, buyUrl, className, children }: LowCreditsNoticeProps) {
  const { available } = useCredits()
  const last = useMeteredState((s) => s.problem)
  const problem = last?.code === 'insufficient_credits' ? last : null
  if (!problem && (available === null || available >= threshold)) return null
  const href = problem?.buyUrl ?? buyUrl ?? null
  if (children) {
    return <div className={className}>{children({ available, problem, buyUrl: href })}</div>
  }
  return (
    <div role={problem ? 'alert' : 'status'} className={className}>
      {problem
        ? `Not enough credits: this needs ${creditsLabel(problem.required)} and you have ${creditsLabel(problem.available)}.`
        : `You are running low on credits (${creditsLabel(available ?? 0)} left).`}
      {href && (
        <>
          {' '}
          <a href={href}>Buy credits</a>
        </>
      )}
    </div>
  )
}
