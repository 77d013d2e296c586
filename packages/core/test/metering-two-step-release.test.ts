import { describe, expect, it } from 'vitest'
import {
  createLimiter,
  createManualClock,
  createMemoryStores,
  createMetered,
  fixedWindow,
  type Ledger,
  type LimiterStore,
  type ManualClock,
} from '../src/index.js'

// The two-step path (limiter in another store than the ledger) with an app-supplied key: a call
// the limiter refuses gives its hold back, and a released hold frees its key
// (docs/semantics.md). A retry is evaluated afresh: refused while the rule is spent, then a
// working ticket charged once. It never gets a ticket on the released hold (whose settle would
// fail after the app's work was done: free work, the limiter bypassed), nor a refusal for good.

async function refusedThenRetried(ledger: Ledger, limiterStore: LimiterStore, clock: ManualClock) {
  const limiter = createLimiter({
    store: limiterStore,
    rules: { hour: fixedWindow({ limit: 1, window: '1 h' }) },
    timeout: '30 s',
  })
  const metered = createMetered({ ledger, limiter, clock })
  const account = `acct-${crypto.randomUUID()}`
  await ledger.grant({ account, amount: 1_000, source: 'test', idempotencyKey: `g-${crypto.randomUUID()}` })
  const hourLeft = async () => (await limiter.peek(account)).remaining

  // Spend the hour on another call, so the keyed calls below are refused by the limiter.
  const spender = await metered.authorize({ account, feature: 'x', estimate: 1 })
  if (!spender.ok) throw new Error(`first call refused: ${JSON.stringify(spender)}`)
  await spender.ticket.settle({ units: 1 })

  for (const mode of ['estimate', 'price'] as const) {
    const key = `k-${mode}-${crypto.randomUUID()}`
    const call = () => metered.authorize({ account, feature: 'x', [mode]: 10, idempotencyKey: key })
    const before = (await ledger.balance(account)).available
    expect(await call(), `first ${mode} call`).toMatchObject({ ok: false, reason: 'rate_limited' })
    // Retried while the rule is spent: refused again, never a ticket on the released hold.
    expect(await call(), `retry of the refused ${mode} call, rule still spent`).toMatchObject({
      ok: false,
      reason: 'rate_limited',
    })
    expect(await ledger.balance(account)).toMatchObject({ available: before, held: 0 })

    clock.advance(3_600_000)
    const retried = await call()
    if (!retried.ok) throw new Error(`retry of the ${mode} call after the window refused: ${JSON.stringify(retried)}`)
    expect(await hourLeft(), 'the retry consumed the new hour').toBe(0)
    const settled = await retried.ticket.settle({ units: 10 })
    expect(settled.charged, `the ${mode} retry is charged`).toBe(10)
    // Charged exactly once, whatever the retries.
    expect(await call()).toMatchObject({ ok: true })
    expect(await ledger.balance(account)).toMatchObject({ available: before - 10, held: 0 })
    expect(await hourLeft(), 'a replay consumes no rule unit').toBe(0)
    const debits = (await ledger.history(account, { types: ['debit'] })).entries
    expect(debits.filter((e) => e.reason === 'x').reduce((s, e) => s + e.amount, 0)).toBe(-(1_000 - (before - 10)))
  }
  expect((await ledger.verify(account)).ok).toBe(true)
}

describe('createMetered, two steps: a call refused by the limiter frees its key', () => {
  it('memory ledger, limiter in another memory store', async () => {
    const clock = createManualClock()
    const { ledger } = createMemoryStores({ clock })
    const { limiterStore } = createMemoryStores({ clock })
    await refusedThenRetried(ledger, limiterStore, clock)
  })
})
