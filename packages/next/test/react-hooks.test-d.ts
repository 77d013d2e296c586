import { describe, expectTypeOf, it } from 'vitest'
import {
  type BuyCreditsButtonProps,
  type CreditDisplayProps,
  type CreditsBalance,
  createMeteredFetch,
  createMeteredStore,
  type HistoryEntry,
  type InsufficientCreditsProblem,
  type LowCreditsNoticeProps,
  type MeteredFetch,
  type MeteredProblem,
  type RateLimitNoticeProps,
  type RateLimitState,
  type UsageChartProps,
  type UsageStats,
  useCreditHistory,
  useCredits,
  useMeteredFetch,
  useMeteredState,
  useUsage,
} from '../src/react/index.js'

describe('hook types', () => {
  it('useCredits', () => {
    const c = useCredits()
    expectTypeOf(c.available).toEqualTypeOf<number | null>()
    expectTypeOf(c.held).toEqualTypeOf<number | null>()
    expectTypeOf(c.loading).toEqualTypeOf<boolean>()
    expectTypeOf(c.error).toEqualTypeOf<Error | null>()
    expectTypeOf(c.refresh).toEqualTypeOf<() => Promise<void>>()
  })

  it('useCreditHistory', () => {
    const h = useCreditHistory({ limit: 10, types: ['grant', 'debit'] })
    expectTypeOf(h.entries).toEqualTypeOf<HistoryEntry[]>()
    expectTypeOf(h.entries[0]!.type).toEqualTypeOf<'grant' | 'debit' | 'expire' | 'revoke'>()
    expectTypeOf(h.hasMore).toEqualTypeOf<boolean>()
    expectTypeOf(h.loadMore).returns.toEqualTypeOf<Promise<void>>()
    // @ts-expect-error: not an entry type
    useCreditHistory({ types: ['refund'] })
  })

  it('useUsage', () => {
    const u = useUsage({ from: new Date(), to: Date.now(), bucket: 'hour', by: 'feature' })
    expectTypeOf(u.stats).toEqualTypeOf<UsageStats | null>()
    expectTypeOf(u.stats!.buckets[0]!.feature).toEqualTypeOf<string | null>()
    // @ts-expect-error: buckets are hours or days
    useUsage({ bucket: 'week' })
  })

  it('shared state and meteredFetch', () => {
    expectTypeOf(useMeteredState((s) => s.balance)).toEqualTypeOf<CreditsBalance | null>()
    expectTypeOf(useMeteredState((s) => s.rateLimit)).toEqualTypeOf<RateLimitState | null>()
    const problem = useMeteredState((s) => s.problem)
    expectTypeOf(problem).toEqualTypeOf<MeteredProblem | null>()
    if (problem?.code === 'insufficient_credits') {
      expectTypeOf(problem.required).toEqualTypeOf<number>()
      expectTypeOf(problem.buyUrl).toEqualTypeOf<string | null>()
    } else if (problem) {
      expectTypeOf(problem.retryAfter).toEqualTypeOf<number>()
    }
    expectTypeOf(useMeteredFetch()).toEqualTypeOf<MeteredFetch>()
    expectTypeOf(useMeteredFetch()).returns.resolves.toEqualTypeOf<Response>()
    expectTypeOf(
      createMeteredFetch(createMeteredStore({ initialBalance: { available: 1 } })),
    ).toEqualTypeOf<MeteredFetch>()
  })
})

describe('component and option types', () => {
  it('optional props take maybe-values under exactOptionalPropertyTypes', () => {
    const maybe = undefined as number | undefined
    useUsage({ from: maybe, to: maybe, account: undefined as string | undefined })
    useCreditHistory({ limit: maybe })
    expectTypeOf<UsageChartProps['layout']>().toEqualTypeOf<'stacked' | 'grouped' | undefined>()
  })

  it('render props receive typed state', () => {
    expectTypeOf<NonNullable<CreditDisplayProps['children']>>()
      .parameter(0)
      .toHaveProperty('text')
      .toEqualTypeOf<string>()
    expectTypeOf<NonNullable<RateLimitNoticeProps['children']>>()
      .parameter(0)
      .toHaveProperty('seconds')
      .toEqualTypeOf<number>()
    expectTypeOf<NonNullable<LowCreditsNoticeProps['children']>>()
      .parameter(0)
      .toHaveProperty('problem')
      .toEqualTypeOf<InsufficientCreditsProblem | null>()
    expectTypeOf<BuyCreditsButtonProps>().toHaveProperty('packId').toEqualTypeOf<string>()
  })
})
