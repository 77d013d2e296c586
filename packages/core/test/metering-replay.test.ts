import { describe, expect, it } from 'vitest'
import {
  createLimiter,
  createManualClock,
  createMemoryLedger,
  createMemoryLimiterStore,
  createMetered,
  fixedWindow,
} from '../src/index.js'

// The two-step path (limiter and ledger in different stores, no authorizer): a retried
// authorize replays its hold, consumes no limiter units and is not refused by the limiter
// (docs/semantics.md, "One-step authorize", step 1).

function setup() {
  const clock = createManualClock()
  const ledger = createMemoryLedger({ clock })
  const limiter = createLimiter({
    store: createMemoryLimiterStore({ clock }),
    rules: { hour: fixedWindow({ limit: 1, window: '1 h' }), calls: fixedWindow({ limit: 100, window: '1 d' }) },
  })
  const metered = createMetered({ ledger, limiter, clock })
  const remaining = async (account: string) =>
    Object.fromEntries((await limiter.peek(account)).rules.map((r) => [r.name, r.remaining]))
  return { ledger, metered, remaining }
}

describe('createMetered, two steps: retries replay first', () => {
  it('a retried hold keeps its hold while the 1/hour rule is spent and the balance drained', async () => {
    const { ledger, metered, remaining } = setup()
    await ledger.grant({ account: 'a', amount: 100, source: 'test', idempotencyKey: 'g-a' })
    const call = () => metered.authorize({ account: 'a', feature: 'x', estimate: 100, idempotencyKey: 'k-a' })
    const first = await call()
    if (!first.ok) throw new Error(`first refused: ${JSON.stringify(first)}`)
    for (let i = 0; i < 3; i++) {
      const again = await call()
      expect(again, `retry ${i}`).toMatchObject({ ok: true, available: 0 })
      if (again.ok) expect(again.ticket.holdId).toBe(first.ticket.holdId)
    }
    expect(await ledger.balance('a')).toMatchObject({ available: 0, held: 100 })
    expect(await remaining('a'), 'no limiter units for the retries').toEqual({ hour: 0, calls: 99 })
    // A call with a new key is refused by the spent rule, as it should be.
    await ledger.grant({ account: 'a', amount: 5, source: 'test', idempotencyKey: 'g-a2' })
    expect(await metered.authorize({ account: 'a', feature: 'x', estimate: 1, idempotencyKey: 'k-b' })).toMatchObject({
      ok: false,
      reason: 'rate_limited',
    })
    expect(await ledger.balance('a')).toMatchObject({ available: 5, held: 100 })
  })

  it('a retried charge returns the original charge, once', async () => {
    const { ledger, metered, remaining } = setup()
    await ledger.grant({ account: 'b', amount: 100, source: 'test', idempotencyKey: 'g-b' })
    const call = () => metered.authorize({ account: 'b', feature: 'x', price: 100, idempotencyKey: 'k-c' })
    expect(await call()).toMatchObject({ ok: true, available: 0 })
    expect(await call(), 'retry of the charge').toMatchObject({ ok: true, available: 0 })
    expect(await ledger.balance('b')).toMatchObject({ available: 0, held: 0 })
    expect((await ledger.history('b')).entries.map((e) => e.amount)).toEqual([-100, 100])
    expect(await remaining('b')).toEqual({ hour: 0, calls: 99 })
  })

  it('a retry with another amount is a conflict and consumes nothing', async () => {
    const { ledger, metered, remaining } = setup()
    await ledger.grant({ account: 'c', amount: 100, source: 'test', idempotencyKey: 'g-c' })
    expect(await metered.authorize({ account: 'c', feature: 'x', estimate: 10, idempotencyKey: 'k-d' })).toMatchObject({
      ok: true,
    })
    await expect(
      metered.authorize({ account: 'c', feature: 'x', estimate: 11, idempotencyKey: 'k-d' }),
    ).rejects.toMatchObject({ code: 'idempotency_conflict' })
    expect(await ledger.balance('c')).toMatchObject({ available: 90, held: 10 })
    expect(await remaining('c')).toEqual({ hour: 0, calls: 99 })
  })
})
