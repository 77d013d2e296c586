import type { AuthorizeResult, MeteredEvent, Refusal } from '@metered/core'
import {
  type BalanceBody,
  balanceBody,
  type HistoryEntryBody,
  historyBody,
  type ProblemBody,
  type ProblemCode,
  type RateLimitRuleBody,
  type UsageStatsBody,
  type UserBody,
  usageStatsBody,
  usersBody,
} from '@metered/core/http'
import { describe, expectTypeOf, it } from 'vitest'
import type { MeteredRefusalError } from '../src/ai/index.js'
import type {
  BalanceResponse,
  HistoryEntry,
  MeteredProblem,
  MeteredUser,
  RateLimitRule,
  ProblemBody as ReactProblemBody,
  UsageBucket,
  UsageStats,
} from '../src/react/index.js'

// The two sides of the wire are one type: what the server's serialisers return is exactly what
// the React entry reads, so a field renamed on one side fails the typecheck of the other.
describe('React reads the types the server writes', () => {
  it('route bodies', () => {
    expectTypeOf<BalanceResponse>().toEqualTypeOf<BalanceBody>()
    expectTypeOf(balanceBody).returns.toEqualTypeOf<BalanceResponse>()
    expectTypeOf<HistoryEntry>().toEqualTypeOf<HistoryEntryBody>()
    expectTypeOf(historyBody).returns.toEqualTypeOf<{ entries: HistoryEntry[]; nextCursor: string | null }>()
    expectTypeOf<UsageStats>().toEqualTypeOf<UsageStatsBody>()
    expectTypeOf(usageStatsBody).returns.toEqualTypeOf<UsageStats>()
    expectTypeOf<UsageBucket>().toEqualTypeOf<UsageStatsBody['buckets'][number]>()
    expectTypeOf<MeteredUser>().toEqualTypeOf<UserBody>()
    expectTypeOf(usersBody).returns.toEqualTypeOf<{ users: MeteredUser[]; nextCursor: string | null }>()
  })

  it('problems', () => {
    expectTypeOf<ReactProblemBody>().toEqualTypeOf<ProblemBody>()
    expectTypeOf<RateLimitRule>().toEqualTypeOf<RateLimitRuleBody>()
    // React's refusal state is keyed by the contract's codes, not a vocabulary of its own.
    expectTypeOf<MeteredProblem['code']>().toExtend<ProblemCode>()
    expectTypeOf<ProblemBody<'rate_limited'>['retryAfterMs']>().toEqualTypeOf<number>()
    expectTypeOf<ProblemBody<'rate_limited'>['rules']>().toEqualTypeOf<RateLimitRuleBody[]>()
    expectTypeOf<ProblemBody<'insufficient_credits'>['code']>().toEqualTypeOf<'insufficient_credits'>()
  })
})

describe('one refusal model', () => {
  type Refused = Extract<AuthorizeResult, { ok: false }>
  type Denied = Extract<MeteredEvent, { type: 'denied' }>

  it('authorize, the denied event and MeteredRefusalError carry the same fields', () => {
    expectTypeOf<Refused>().toEqualTypeOf<{ ok: false } & Refusal>()
    expectTypeOf<Denied>().toEqualTypeOf<{ type: 'denied'; account: string; feature: string } & Refusal>()
    expectTypeOf<MeteredRefusalError['refusal']>().toEqualTypeOf<Refusal>()
    expectTypeOf<MeteredRefusalError['reason']>().toEqualTypeOf<Refusal['reason']>()
    expectTypeOf<MeteredRefusalError['retryAfter']>().toEqualTypeOf<Refusal['retryAfter']>()
    expectTypeOf<MeteredRefusalError['available']>().toEqualTypeOf<Refusal['available']>()
    expectTypeOf<MeteredRefusalError['required']>().toEqualTypeOf<Refusal['required']>()
    expectTypeOf<MeteredRefusalError['limit']>().toEqualTypeOf<Refusal['limit']>()
  })

  it('the reasons are problem codes', () => {
    expectTypeOf<Refusal['reason']>().toExtend<ProblemCode>()
  })
})
