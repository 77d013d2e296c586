import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createManualClock, type ManualClock } from '../clock.js'
import { createLimiter } from '../limiter/create-limiter.js'
import { fixedWindow, slidingWindow, tokenBucket } from '../limiter/rules.js'
import { createMetered } from '../metering/create-metered.js'
import { authorizerKeepsEdgeIdsApart, authorizerRefusesHostileInput } from './authorizer-checks-hostile.js'
import { authorizeValidatedOnce } from './authorizer-checks-once.js'
import { releasedKeyAuthorizesAfresh } from './authorizer-checks-release.js'
import { replayConflicts, retryAfterDrained, retryWhenRuleSpent, storeReplay } from './authorizer-checks-replay.js'
import type { AuthorizerHarness, HarnessFactory, SuiteOptions } from './types.js'

/** What every authorizer check runs with. */
export interface AuthorizerCheckContext {
  harness: AuthorizerHarness
  clock: ManualClock
  concurrency: number
}

/** One check of `authorizerSuite`, run against an adapter's harness. */
export type AuthorizerCheck = (ctx: AuthorizerCheckContext) => Promise<void>

const uid = (prefix: string) => `${prefix}-${crypto.randomUUID()}`

function meteredOver(ctx: AuthorizerCheckContext, rules: Parameters<typeof createLimiter>[0]['rules']) {
  const limiter = createLimiter({ store: ctx.harness.limiterStore, rules, timeout: '30 s' })
  const metered = createMetered({
    ledger: ctx.harness.ledger,
    limiter,
    authorizer: ctx.harness.authorizer,
    clock: ctx.clock,
  })
  return { limiter, metered }
}

async function grant(ctx: AuthorizerCheckContext, account: string, amount: number) {
  await ctx.harness.ledger.grant({ account, amount, source: 'test', idempotencyKey: uid('grant') })
}

/** A rule binds: exactly `limit` admitted, the rest refused; credits of refused calls untouched. */
const ruleBinds: AuthorizerCheck = async (ctx) => {
  const account = uid('acct')
  const limit = Math.floor(ctx.concurrency * 0.4)
  const balance = Math.floor(ctx.concurrency * 0.6)
  await grant(ctx, account, balance)
  const { limiter, metered } = meteredOver(ctx, {
    minute: slidingWindow({ limit: 10_000, window: '1 m' }),
    day: fixedWindow({ limit, window: '1 d' }),
    burst: tokenBucket({ capacity: 10_000, refillEvery: '1 s' }),
  })
  const results = await Promise.all(
    Array.from({ length: ctx.concurrency }, () => metered.authorize({ account, feature: 'x', price: 1 })),
  )
  const admitted = results.filter((r) => r.ok).length
  expect(admitted).toBe(limit)
  expect(results.filter((r) => !r.ok && r.reason === 'rate_limited').length).toBe(ctx.concurrency - limit)
  expect(await ctx.harness.ledger.balance(account)).toMatchObject({ available: balance - limit, held: 0 })
  const peek = await limiter.peek(account)
  expect(peek.rules.find((r) => r.name === 'day')?.remaining).toBe(0)
  expect(peek.rules.find((r) => r.name === 'minute')?.remaining).toBe(10_000 - limit)
  expect(peek.rules.find((r) => r.name === 'burst')?.remaining).toBe(10_000 - limit)
  expect((await ctx.harness.ledger.verify(account)).ok).toBe(true)
}

/** The balance binds: exactly `balance` admitted, the limiter charged for those alone. */
const balanceBinds: AuthorizerCheck = async (ctx) => {
  const account = uid('acct')
  const limit = Math.floor(ctx.concurrency * 0.6)
  const balance = Math.floor(ctx.concurrency * 0.3)
  await grant(ctx, account, balance)
  const { limiter, metered } = meteredOver(ctx, { day: fixedWindow({ limit, window: '1 d' }) })
  const results = await Promise.all(
    Array.from({ length: ctx.concurrency }, () => metered.authorize({ account, feature: 'x', estimate: 1 })),
  )
  expect(results.filter((r) => r.ok).length).toBe(balance)
  expect(results.filter((r) => !r.ok && r.reason === 'insufficient_credits').length).toBe(ctx.concurrency - balance)
  expect(await ctx.harness.ledger.balance(account)).toMatchObject({ available: 0, held: balance })
  expect((await limiter.peek(account)).remaining).toBe(limit - balance)
  // settling half and cancelling half leaves exactly the settled units spent
  let settled = 0
  for (const [i, r] of results.entries()) {
    if (!r.ok) continue
    if (i % 2 === 0) {
      await r.ticket.settle({ units: 1 })
      settled++
    } else await r.ticket.cancel()
  }
  expect(await ctx.harness.ledger.balance(account)).toMatchObject({ available: balance - settled, held: 0 })
  expect((await ctx.harness.ledger.verify(account)).ok).toBe(true)
}

/** Refusals write nothing anywhere: no hold, no entry, no limiter units. */
const refusalsConsumeNothing: AuthorizerCheck = async (ctx) => {
  const account = uid('acct')
  await grant(ctx, account, 5)
  const { limiter, metered } = meteredOver(ctx, { day: fixedWindow({ limit: 3, window: '1 d' }) })
  // balance short: limiter untouched
  const short = await metered.authorize({ account, feature: 'x', price: 6 })
  expect(short).toMatchObject({ ok: false, reason: 'insufficient_credits', available: 5, required: 6 })
  expect((await limiter.peek(account)).remaining).toBe(3)
  // both refuse: insufficient credits wins, nothing consumed
  for (let i = 0; i < 3; i++) expect((await metered.authorize({ account, feature: 'x', price: 1 })).ok).toBe(true)
  const both = await metered.authorize({ account, feature: 'x', price: 3 })
  expect(both).toMatchObject({ ok: false, reason: 'insufficient_credits' })
  // rule refuses: no hold, no debit
  const limited = await metered.authorize({ account, feature: 'x', estimate: 1 })
  expect(limited).toMatchObject({ ok: false, reason: 'rate_limited' })
  if (!limited.ok && limited.reason === 'rate_limited') expect(limited.limit?.retryAfter).toBeGreaterThan(0)
  expect(await ctx.harness.ledger.balance(account)).toMatchObject({ available: 2, held: 0 })
  const history = await ctx.harness.ledger.history(account)
  expect(history.entries.map((e) => e.type).sort()).toEqual(['debit', 'debit', 'debit', 'grant'])
  expect((await ctx.harness.ledger.verify(account)).ok).toBe(true)
}

/** A fixed price is a debit entry; an estimate is a hold settled later; a replay consumes no limits again. */
const modesAndReplays: AuthorizerCheck = async (ctx) => {
  const account = uid('acct')
  await grant(ctx, account, 100)
  const { limiter, metered } = meteredOver(ctx, { day: fixedWindow({ limit: 10, window: '1 d' }) })
  const charged = await metered.authorize({ account, feature: 'fixed', price: 7 })
  if (!charged.ok) throw new Error(`expected ok: ${JSON.stringify(charged)}`)
  expect(charged.ticket.mode).toBe('debit')
  expect(charged.available).toBe(93)
  const held = await metered.authorize({ account, feature: 'stream', estimate: 20 })
  if (!held.ok) throw new Error(`expected ok: ${JSON.stringify(held)}`)
  expect(held.ticket.holdId).toEqual(expect.any(String))
  expect(await ctx.harness.ledger.balance(account)).toMatchObject({ available: 73, held: 20 })
  await held.ticket.settle({ units: 12 })
  expect(await ctx.harness.ledger.balance(account)).toMatchObject({ available: 81, held: 0 })

  const key = uid('idem')
  const replays = await Promise.all(
    Array.from({ length: 20 }, () => metered.authorize({ account, feature: 'fixed', price: 5, idempotencyKey: key })),
  )
  expect(replays.every((r) => r.ok)).toBe(true)
  expect(await ctx.harness.ledger.balance(account)).toMatchObject({ available: 76, held: 0 })
  // 1 fixed + 1 estimate + 1 idempotent call (however many replays)
  expect((await limiter.peek(account)).remaining).toBe(7)
  expect((await ctx.harness.ledger.verify(account)).ok).toBe(true)
}

/** Limiter windows of the one-step path follow the store clock like the plain limiter. */
const windowsFollowTheClock: AuthorizerCheck = async (ctx) => {
  const account = uid('acct')
  await grant(ctx, account, 100)
  const { metered } = meteredOver(ctx, { minute: fixedWindow({ limit: 2, window: '1 m' }) })
  expect((await metered.authorize({ account, feature: 'x', price: 1 })).ok).toBe(true)
  expect((await metered.authorize({ account, feature: 'x', price: 1 })).ok).toBe(true)
  expect((await metered.authorize({ account, feature: 'x', price: 1 })).ok).toBe(false)
  ctx.clock.advance(60_000)
  expect((await metered.authorize({ account, feature: 'x', price: 1 })).ok).toBe(true)
  expect((await ctx.harness.ledger.balance(account)).available).toBe(97)
}

/** The checks `authorizerSuite` runs, by name (to run some of them on their own). */
export const authorizerChecks = {
  'a rule binds: exactly the limit admitted under concurrency': ruleBinds,
  'the balance binds: exactly the balance admitted, limits charged only for those': balanceBinds,
  'refusals consume nothing anywhere': refusalsConsumeNothing,
  'fixed price debits, estimates hold, replays consume limits once': modesAndReplays,
  'windows follow the store clock': windowsFollowTheClock,
  'a retry after the first call drained the balance replays (charge and hold)': retryAfterDrained,
  'a retry while a 1/hour rule is spent replays and consumes no rule units': retryWhenRuleSpent,
  'a retry with another amount is an idempotency conflict, nothing consumed': replayConflicts,
  'the store replays first: same hold or entry, stored available, dry-run limits': storeReplay,
  'a cancelled ticket frees its key: the same key authorizes afresh': releasedKeyAuthorizesAfresh,
  'hostile input is refused: no hold, no debit, no limiter unit': authorizerRefusesHostileInput,
  'edge account ids hold from their own balance and limits': authorizerKeepsEdgeIdsApart,
  'one authorize is validated once (authorizer and createMetered)': authorizeValidatedOnce,
} satisfies Record<string, AuthorizerCheck>

/**
 * Registers the one-step authorize tests (docs/metering.md) for stores that hold both limits
 * and credits. The suite drives them through `createMetered` + `createLimiter`, so it proves the
 * whole path, not just the store call.
 */
export function authorizerSuite(
  name: string,
  factory: HarnessFactory<AuthorizerHarness>,
  options: SuiteOptions = {},
): void {
  describe(`authorizer conformance: ${name}`, () => {
    const clock = createManualClock()
    let harness: AuthorizerHarness
    beforeAll(async () => {
      harness = await factory({ clock })
    }, 120_000)
    afterAll(async () => {
      await harness?.close?.()
    })
    for (const [title, check] of Object.entries(authorizerChecks)) {
      it(title, () => check({ harness, clock, concurrency: options.concurrency ?? 500 }), 120_000)
    }
  })
}
