import { type ReactNode, useEffect, useState } from 'react'
import { useMeteredContext, useMeteredState } from './context.js'
import type { RateLimitState } from './types.js'

/** What `<RateLimitNotice>`'s render function receives. */
export interface RateLimitNoticeState {
  /** Whole seconds until the next call may succeed. */
  seconds: number
  rateLimit: RateLimitState | null
}

/** Props of `<RateLimitNotice>`. */
export interface RateLimitNoticeProps {
  /** Class of the notice. Default: none. */
  className?: string | undefined
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
  // Only re-renders each second; the time itself is read when rendering, so a notice mounted
  // long before the 429 never shows a stale count.
  const [, setTick] = useState(0)
  useEffect(() => {
    if (retryAt === null) return
    const tick = () => {
      setTick((n) => n + 1)
      if (Date.now() >= retryAt) {
        // Time is up: clear the refusal so every notice (and any retry button) sees it at once.
        store.setState((s) => ({ retryAt: null, problem: s.problem?.code === 'rate_limited' ? null : s.problem }))
      }
    }
    const id = setInterval(tick, 1000)
    return () => clearInterval(id)
  }, [retryAt, store])
  // No 429 is ever in the state on the server, so Date.now() never runs there.
  const seconds = retryAt === null ? 0 : Math.ceil((retryAt - Date.now()) / 1000)
  if (seconds <= 0) return null
  return (
    <div role="status" className={className}>
      {children
        ? children({ seconds, rateLimit })
        : `Too many requests. Try again in ${seconds} ${seconds === 1 ? 'second' : 'seconds'}.`}
    </div>
  )
}
