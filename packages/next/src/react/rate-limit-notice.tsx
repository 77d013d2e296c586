import { type ReactNode, useEffect, useState } from 'react'
import { useMeteredContext, useMeteredState } from './context.js'
import type { RateLimitState } from './types.js'

export interface RateLimitNoticeState {
  /** Whole seconds until the next call may succeed. */
  seconds: number
  rateLimit: RateLimitState | null
}

export interface RateLimitNoticeProps {
  className?: string
  /** Your own message; the default says "Too many requests. Try again in 12 seconds." */
  children?: (state: RateLimitNoticeState) => ReactNode
}

/**
 * Shown while the last metered call was refused with 429, counting `Retry-After` down each second;
 * gone (and the refusal cleared) when it reaches zero.
 * @example
 * <RateLimitNotice className="notice" />
 */
export function RateLimitNotice({ className, children }: RateLimitNoticeProps) {
  const { store } = useMeteredContext()
  const retryAt = useMeteredState((s) => s.retryAt)
  const rateLimit = useMeteredState((s) => s.rateLimit)
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (retryAt === null) return
    const tick = () => {
      const t = Date.now()
      setNow(t)
      if (t >= retryAt) {
        // Time is up: clear the refusal so every notice (and any retry button) sees it at once.
        store.setState((s) => ({ retryAt: null, problem: s.problem?.kind === 'rate-limited' ? null : s.problem }))
      }
    }
    tick()
    const id = setInterval(tick, 1000)
    return () => clearInterval(id)
  }, [retryAt, store])
  if (retryAt === null || now >= retryAt) return null
  const seconds = Math.ceil((retryAt - now) / 1000)
  return (
    <div role="status" className={className}>
      {children
        ? children({ seconds, rateLimit })
        : `Too many requests. Try again in ${seconds} ${seconds === 1 ? 'second' : 'seconds'}.`}
    </div>
  )
}
