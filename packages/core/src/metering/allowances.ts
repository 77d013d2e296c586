import type { Clock } from '../clock.js'
import { IdempotencyConflictError } from '../errors.js'
import type { Ledger } from '../ledger/types.js'
import { periodOf } from './periods.js'
import type { Allowance, MeteredEvent } from './types.js'

const CACHE_LIMIT = 10_000

/**
 * Grants plan allowances lazily: once per account, source and period, keyed so concurrent
 * callers and other app instances grant once. A small per-instance cache skips the ledger
 * round trip once this instance has seen the period's grant.
 */
export function createAllowanceGranter(deps: {
  ledger: Ledger
  clock: Clock
  allowances: NonNullable<import('./types.js').MeteredOptions['allowances']>
  toUnits: (credits: number) => number
  emit: (event: MeteredEvent) => void
}) {
  const seen = new Set<string>()
  return async function ensure(account: string, plan?: string | null): Promise<void> {
    const list: Allowance[] =
      typeof deps.allowances === 'function' ? deps.allowances({ account, plan: plan ?? null }) : deps.allowances
    for (const a of list) {
      const source = a.source ?? 'allowance'
      const period = periodOf(deps.clock.now(), a.every)
      const key = `allowance:${source}:${account}:${period.label}`
      if (seen.has(key)) continue
      const amount = deps.toUnits(a.credits)
      let replayed = true
      try {
        const result = await deps.ledger.grant({
          account,
          amount,
          source,
          priority: a.priority ?? 10,
          expiresAt: period.end,
          idempotencyKey: key,
        })
        replayed = result.replayed
      } catch (error) {
        // The plan changed mid-period: this period keeps the allowance it was granted; the new
        // amount applies from the next period.
        if (!(error instanceof IdempotencyConflictError)) throw error
      }
      if (seen.size >= CACHE_LIMIT) seen.clear()
      seen.add(key)
      deps.emit({
        type: 'allowance_granted',
        account,
        amount,
        source,
        expiresAt: period.end,
        replayed,
      })
    }
  }
}
