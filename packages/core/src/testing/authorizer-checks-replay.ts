import { expect } from 'vitest'
import { createLimiter } from '../limiter/create-limiter.js'
import { fixedWindow } from '../limiter/rules.js'
import { createMetered } from '../metering/create-metered.js'
import type { AuthorizeResult } from '../metering/types.js'
import type { AuthorizerHarness } from './types.js'

// docs/semantics.md, "One-step authorize": the idempotency key is looked up before every other
// check. A retry returns the original outcome even when the balance or a rule would refuse a
// fresh call now, consumes nothing, and a retry with other parameters is a conflict.

export interface ReplayCheckContext {
  harness: AuthorizerHarness
}

const uid = (prefix: string) => `${prefix}-${crypto.randomUUID()}`

/** A one-step path over the harness: `hour` allows one call an hour, `calls` counts every call. */
function setup(harness: AuthorizerHarness, hourly = 1_000) {
  const limiter = createLimiter({
    store: harness.limiterStore,
    rules: {
      hour: fixedWindow({ limit: hourly, window: '1 h' }),
      calls: fixedWindow({ limit: 1_000, window: '1 d' }),
    },
    timeout: '30 s',
  })
  const metered = createMetered({ ledger: harness.ledger, limiter, authorizer: harness.authorizer })
  const remaining = async (account: string) => {
    const peek = await limiter.peek(account)
    return Object.fromEntries(peek.rules.map((r) => [r.name, r.remaining]))
  }
  return { limiter, metered, remaining }
}

async function funded(harness: AuthorizerHarness, amount: number): Promise<string> {
  const account = uid('acct')
  await harness.ledger.grant({ account, amount, source: 'test', idempotencyKey: uid('grant') })
  return account
}

function ok(result: AuthorizeResult, what: string): Extract<AuthorizeResult, { ok: true }> {
  if (!result.ok) throw new Error(`${what}: expected ok, got ${JSON.stringify(result)}`)
  return result
}

async function entryCount(harness: AuthorizerHarness, account: string): Promise<number> {
  return (await harness.ledger.history(account, { limit: 500 })).entries.length
}

/** The first call drained the balance; its retry still gets the original ticket. */
export const retryAfterDrained = async ({ harness }: ReplayCheckContext): Promise<void> => {
  const { metered, remaining } = setup(harness)
  // Charge mode: the debit is replayed, not repeated and not refused.
  const a = await funded(harness, 100)
  const key = uid('idem')
  const first = ok(await metered.authorize({ account: a, feature: 'x', price: 100, idempotencyKey: key }), 'first')
  expect(first.available).toBe(0)
  const again = ok(await metered.authorize({ account: a, feature: 'x', price: 100, idempotencyKey: key }), 'retry')
  expect(again.available, 'retry of a charge after it drained the balance').toBe(0)
  expect(again.ticket.mode).toBe('debit')
  expect(await harness.ledger.balance(a)).toMatchObject({ available: 0, held: 0 })
  expect(await entryCount(harness, a), 'one debit for one key').toBe(2)
  expect(await remaining(a), 'the retry consumed no rule units').toEqual({ hour: 999, calls: 999 })

  // Hold mode: the retry returns the same hold.
  const b = await funded(harness, 100)
  const holdKey = uid('idem')
  const held = ok(await metered.authorize({ account: b, feature: 'x', estimate: 100, idempotencyKey: holdKey }), 'hold')
  const heldAgain = ok(
    await metered.authorize({ account: b, feature: 'x', estimate: 100, idempotencyKey: holdKey }),
    'retry of a hold after it drained the balance',
  )
  expect(heldAgain.ticket.holdId).toBe(held.ticket.holdId)
  expect(heldAgain.available).toBe(0)
  expect(await harness.ledger.balance(b)).toMatchObject({ available: 0, held: 100 })
  expect(await remaining(b)).toEqual({ hour: 999, calls: 999 })
  await heldAgain.ticket.settle({ units: 60 })
  expect(await harness.ledger.balance(b)).toMatchObject({ available: 40, held: 0 })
  expect((await harness.ledger.verify(a)).ok).toBe(true)
  expect((await harness.ledger.verify(b)).ok).toBe(true)
}

/** A 1/hour rule is spent by the first call; its retry is not rate limited. */
export const retryWhenRuleSpent = async ({ harness }: ReplayCheckContext): Promise<void> => {
  const { metered, remaining } = setup(harness, 1)
  for (const mode of ['price', 'estimate'] as const) {
    const account = await funded(harness, 1000)
    const key = uid('idem')
    const call = () => metered.authorize({ account, feature: 'x', [mode]: 10, idempotencyKey: key })
    const first = ok(await call(), `first (${mode})`)
    expect(await remaining(account)).toEqual({ hour: 0, calls: 999 })
    // A fresh call is refused: the rule is spent.
    const fresh = await metered.authorize({ account, feature: 'x', [mode]: 10, idempotencyKey: uid('idem') })
    expect(fresh).toMatchObject({ ok: false, reason: 'rate_limited' })
    const again = ok(await call(), `retry with the 1/hour rule spent (${mode})`)
    expect(again.ticket.holdId).toBe(first.ticket.holdId)
    expect(again.available).toBe(first.available)
    const retries = await Promise.all(Array.from({ length: 5 }, call))
    expect(retries.every((r) => r.ok && r.ticket.holdId === first.ticket.holdId)).toBe(true)
    expect(await remaining(account), `replays consume no rule units (${mode})`).toEqual({ hour: 0, calls: 999 })
    expect(await harness.ledger.balance(account)).toMatchObject(
      mode === 'price' ? { available: 990, held: 0 } : { available: 990, held: 10 },
    )
    expect(await entryCount(harness, account)).toBe(mode === 'price' ? 2 : 1)
  }
}

/**
 * Another amount under the same key is a conflict, and consumes nothing: even when the balance
 * or a rule would refuse that amount, since the key is looked up first.
 */
export const replayConflicts = async ({ harness }: ReplayCheckContext): Promise<void> => {
  for (const hourly of [1_000, 1]) {
    const { metered, remaining } = setup(harness, hourly)
    for (const mode of ['price', 'estimate'] as const) {
      const account = await funded(harness, 100)
      const key = uid('idem')
      ok(await metered.authorize({ account, feature: 'x', [mode]: 60, idempotencyKey: key }), `first (${mode})`)
      const before = await harness.ledger.balance(account)
      const rules = await remaining(account)
      for (const amount of [61, 40]) {
        let error: unknown
        try {
          await metered.authorize({ account, feature: 'x', [mode]: amount, idempotencyKey: key })
        } catch (e) {
          error = e
        }
        expect(
          (error as { code?: string } | undefined)?.code,
          `${amount} instead of 60 under the key (${mode}, ${hourly}/hour)`,
        ).toBe('idempotency_conflict')
      }
      expect(await harness.ledger.balance(account)).toEqual(before)
      expect(await remaining(account)).toEqual(rules)
    }
  }
}

/** The store call itself: a replay says so, names the original hold or entry, and the stored available. */
export const storeReplay = async ({ harness }: ReplayCheckContext): Promise<void> => {
  const { limiter } = setup(harness, 1)
  for (const charge of [false, true]) {
    const account = await funded(harness, 50)
    const request = () => limiter.plan(account, {})
    const input = {
      account,
      amount: 50,
      ttl: 60_000,
      reason: 'x',
      charge,
      idempotencyKey: uid('idem'),
      limits: request(),
    }
    const first = await harness.authorizer.authorize(input)
    if (!first.ok) throw new Error(`first authorize refused: ${JSON.stringify(first)}`)
    const again = await harness.authorizer.authorize({ ...input, limits: request() })
    expect(again, `store replay (charge: ${charge})`).toMatchObject({
      ok: true,
      holdId: first.holdId,
      entryId: first.entryId,
      available: first.available,
      replayed: true,
    })
    expect(first.replayed).toBe(false)
    // The limits of a replay are a dry run: the spent hourly rule shows as spent, nothing consumed.
    expect(again.limits.rules.find((r) => r.name === 'hour')?.remaining).toBe(0)
    const peek = await limiter.peek(account)
    expect(Object.fromEntries(peek.rules.map((r) => [r.name, r.remaining]))).toEqual({ hour: 0, calls: 999 })
  }
}
