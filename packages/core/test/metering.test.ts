import { describe, expect, it } from 'vitest'
import {
  createLimiter,
  createManualClock,
  createMemoryLedger,
  createMemoryLimiterStore,
  createMemoryUsageStore,
  createMetered,
  fixedWindow,
  type MeteredEvent,
  perToken,
  ValidationError,
} from '../src/index.js'

function setup(options: { limit?: number; clock?: ReturnType<typeof createManualClock> } = {}) {
  const clock = options.clock ?? createManualClock()
  const ledger = createMemoryLedger({ clock })
  const usage = createMemoryUsageStore({ clock })
  const limiter = createLimiter({
    store: createMemoryLimiterStore({ clock }),
    rules: { minute: fixedWindow({ limit: options.limit ?? 1000, window: '1 m' }) },
  })
  const events: MeteredEvent[] = []
  const metered = createMetered({
    ledger,
    limiter,
    usage,
    clock,
    unitsPerCredit: 1000,
    pricing: { generate: perToken({ markup: 1.3, creditValue: 0.001 }) },
    lowBalanceCredits: 1,
    onEvent: (e) => {
      events.push(e)
    },
  })
  return { clock, ledger, usage, limiter, metered, events }
}

const turn = { model: 'gpt-4.1-nano', inputTokens: 1000, outputTokens: 500 }

describe('createMetered', () => {
  it('holds the estimate, settles the actual usage and records it', async () => {
    const { ledger, usage, metered, clock } = setup()
    await ledger.grant({ account: 'a', amount: 10_000, source: 'test', idempotencyKey: 'g-a' })
    const auth = await metered.authorize({
      account: 'a',
      feature: 'generate',
      estimate: { model: 'gpt-4.1-nano', inputTokens: 1000, outputTokens: 4000 },
    })
    expect(auth.ok).toBe(true)
    if (!auth.ok) return
    // hold: (1000 x 0.10 + 4000 x 0.40) / 1M x 1.3 / 0.001 = 2.21 credits = 2210 units
    expect(auth.ticket.amount).toBe(2210)
    expect((await ledger.balance('a')).held).toBe(2210)
    clock.advance(1500)
    const settled = await auth.ticket.settle({ usage: turn })
    expect(settled).toEqual({ charged: 390, shortfall: 0, available: 9610 })
    const balance = await ledger.balance('a')
    expect(balance).toMatchObject({ available: 9610, held: 0 })
    expect((await ledger.verify('a')).ok).toBe(true)
    const events = await usage.list({ account: 'a', from: 0, to: clock.now() + 1 })
    expect(events.events).toHaveLength(1)
    expect(events.events[0]).toMatchObject({
      feature: 'generate',
      amount: 390,
      model: 'gpt-4.1-nano',
      inputTokens: 1000,
      outputTokens: 500,
      status: 'ok',
      latencyMs: 1500,
    })
    // settle is once: a second call returns the first outcome and charges nothing more
    expect(await auth.ticket.settle({ credits: 5 })).toEqual(settled)
    expect((await ledger.balance('a')).available).toBe(9610)
  })

  it('refuses for insufficient credits without consuming the rate limit', async () => {
    const { ledger, metered, limiter, events } = setup({ limit: 3 })
    await ledger.grant({ account: 'b', amount: 500, source: 'test', idempotencyKey: 'g-b' })
    const refused = await metered.authorize({ account: 'b', feature: 'generate', estimate: 1 })
    expect(refused).toMatchObject({ ok: false, reason: 'insufficient_credits', available: 500, required: 1000 })
    expect((await limiter.peek('b')).remaining).toBe(3)
    // The event carries the refusal itself: the same fields as the result, nothing less.
    const { ok: _ok, ...refusal } = refused
    expect(refusal).toEqual({
      reason: 'insufficient_credits',
      available: 500,
      required: 1000,
      retryAfter: null,
      limit: null,
    })
    expect(events).toContainEqual({ type: 'denied', account: 'b', feature: 'generate', ...refusal })
  })

  it('refuses when rate limited without holding or charging credits', async () => {
    const { ledger, metered, events } = setup({ limit: 2 })
    await ledger.grant({ account: 'c', amount: 100_000, source: 'test', idempotencyKey: 'g-c' })
    for (let i = 0; i < 2; i++) {
      const ok = await metered.authorize({ account: 'c', feature: 'generate', price: 1 })
      expect(ok.ok).toBe(true)
    }
    const limited = await metered.authorize({ account: 'c', feature: 'generate', price: 1 })
    expect(limited).toMatchObject({ ok: false, reason: 'rate_limited' })
    if (limited.ok || limited.reason !== 'rate_limited') return
    expect(limited.limit?.retryAfter).toBeGreaterThan(0)
    // The wait is in milliseconds at the top of the refusal too, whatever rule decided it.
    expect(limited.retryAfter).toBe(limited.limit?.retryAfter)
    const { ok: _ok, ...refusal } = limited
    expect(events).toContainEqual({ type: 'denied', account: 'c', feature: 'generate', ...refusal })
    expect(await ledger.balance('c')).toMatchObject({ available: 98_000, held: 0 })
    const history = await ledger.history('c')
    expect(history.entries.filter((e) => e.type === 'debit')).toHaveLength(2)
  })

  it('admits exactly what the balance allows under 300 concurrent authorizations', async () => {
    const { ledger, metered } = setup()
    await ledger.grant({ account: 'd', amount: 37_000, source: 'test', idempotencyKey: 'g-d' })
    const results = await Promise.all(
      Array.from({ length: 300 }, () => metered.authorize({ account: 'd', feature: 'generate', price: 1 })),
    )
    expect(results.filter((r) => r.ok)).toHaveLength(37)
    expect(results.filter((r) => !r.ok && r.reason === 'insufficient_credits')).toHaveLength(263)
    expect(await ledger.balance('d')).toMatchObject({ available: 0, held: 0 })
    expect((await ledger.verify('d')).ok).toBe(true)
  })

  it('cancel releases the hold and records a failed call', async () => {
    const { ledger, usage, metered, clock } = setup()
    await ledger.grant({ account: 'e', amount: 5000, source: 'test', idempotencyKey: 'g-e' })
    const auth = await metered.authorize({ account: 'e', feature: 'generate', estimate: 3 })
    if (!auth.ok) throw new Error('expected ok')
    expect((await ledger.balance('e')).available).toBe(2000)
    await auth.ticket.cancel()
    expect(await ledger.balance('e')).toMatchObject({ available: 5000, held: 0 })
    const page = await usage.list({ account: 'e', from: 0, to: clock.now() + 1 })
    expect(page.events[0]).toMatchObject({ status: 'error', amount: 0 })
  })

  it('settles above the hold only as far as the balance goes and reports the shortfall', async () => {
    const { ledger, metered, events } = setup()
    await ledger.grant({ account: 'f', amount: 1500, source: 'test', idempotencyKey: 'g-f' })
    const auth = await metered.authorize({ account: 'f', feature: 'generate', estimate: 1 })
    if (!auth.ok) throw new Error('expected ok')
    const result = await auth.ticket.settle({ credits: 2 })
    expect(result).toEqual({ charged: 1500, shortfall: 500, available: 0 })
    expect(events).toContainEqual({ type: 'shortfall', account: 'f', feature: 'generate', shortfall: 500 })
    expect(events.some((e) => e.type === 'low_balance')).toBe(true)
  })

  it('grants allowances once per period, spends them first and lets them expire at the period end', async () => {
    const clock = createManualClock(Date.UTC(2026, 0, 31, 23, 0))
    const ledger = createMemoryLedger({ clock })
    const events: MeteredEvent[] = []
    const metered = createMetered({
      ledger,
      clock,
      allowances: [{ credits: 100, every: 'month' }],
      onEvent: (e) => {
        events.push(e)
      },
    })
    await ledger.grant({ account: 'g', amount: 50, source: 'purchase', idempotencyKey: 'pack-g' })
    await Promise.all(Array.from({ length: 20 }, () => metered.authorize({ account: 'g', feature: 'x', price: 1 })))
    let balance = await ledger.balance('g')
    // 100 allowance + 50 purchased - 20 spent, all from the allowance
    expect(balance.available).toBe(130)
    expect(balance.grants.find((g) => g.source === 'allowance')?.remaining).toBe(80)
    expect(balance.grants.find((g) => g.source === 'purchase')?.remaining).toBe(50)
    expect(events.filter((e) => e.type === 'allowance_granted' && !e.replayed)).toHaveLength(1)

    clock.advance(2 * 3_600_000) // into February: January's allowance expired, February's granted
    await metered.authorize({ account: 'g', feature: 'x', price: 1 })
    balance = await ledger.balance('g')
    expect(balance.available).toBe(149)
    expect(balance.grants.find((g) => g.source === 'purchase')?.remaining).toBe(50)
    const expired = await ledger.history('g', { types: ['expire'] })
    expect(expired.entries.map((e) => e.amount)).toEqual([-80])
  })

  it('counts spend caps in ledger units inside the same authorize', async () => {
    const clock = createManualClock()
    const ledger = createMemoryLedger({ clock })
    const limiter = createLimiter({
      store: createMemoryLimiterStore({ clock }),
      rules: { spend: fixedWindow({ limit: 5000, window: '1 d' }) },
    })
    const metered = createMetered({ ledger, limiter, clock, unitsPerCredit: 1000 })
    await ledger.grant({ account: 'org', amount: 100_000, source: 'pool', idempotencyKey: 'org-pool' })
    const first = await metered.authorize({
      account: 'org',
      limitKey: 'member-1',
      feature: 'x',
      price: 4,
      spendCaps: ['spend'],
    })
    expect(first.ok).toBe(true)
    const second = await metered.authorize({
      account: 'org',
      limitKey: 'member-1',
      feature: 'x',
      price: 2,
      spendCaps: ['spend'],
    })
    expect(second).toMatchObject({ ok: false, reason: 'rate_limited' })
    expect((await ledger.balance('org')).available).toBe(96_000)
  })

  it('rejects bad input with a ValidationError and writes nothing', async () => {
    const { ledger, metered } = setup()
    await ledger.grant({ account: 'h', amount: 5000, source: 'test', idempotencyKey: 'g-h' })
    await expect(metered.authorize({ account: '', feature: 'generate', price: 1 })).rejects.toThrow(ValidationError)
    await expect(metered.authorize({ account: 'h', feature: 'generate' })).rejects.toThrow(ValidationError)
    await expect(metered.authorize({ account: 'h', feature: 'generate', price: -1 })).rejects.toThrow(ValidationError)
    await expect(
      metered.authorize({ account: 'h', feature: 'generate', estimate: { model: 'unknown', inputTokens: 5 } }),
    ).rejects.toThrow(ValidationError)
    expect(await ledger.balance('h')).toMatchObject({ available: 5000, held: 0 })
  })
})

describe('grant_expiring events', () => {
  it('warns once per grant when a charge leaves credits that expire within the window', async () => {
    const clock = createManualClock()
    const ledger = createMemoryLedger({ clock })
    const events: MeteredEvent[] = []
    const metered = createMetered({
      ledger,
      clock,
      expiringWithin: '3 d',
      onEvent: (e) => {
        events.push(e)
      },
    })
    const soon = clock.now() + 2 * 86_400_000
    const grant = await ledger.grant({
      account: 'x1',
      amount: 10,
      source: 'promo',
      expiresAt: soon,
      idempotencyKey: 'x1-promo',
    })
    await ledger.grant({ account: 'x1', amount: 10, source: 'purchase', idempotencyKey: 'x1-pack' })
    for (let i = 0; i < 3; i++) {
      const auth = await metered.authorize({ account: 'x1', feature: 'f', estimate: 1 })
      if (auth.ok) await auth.ticket.settle({ units: 1 })
    }
    const expiring = events.filter((e) => e.type === 'grant_expiring')
    expect(expiring).toEqual([
      { type: 'grant_expiring', account: 'x1', grantId: grant.grantId, source: 'promo', remaining: 9, expiresAt: soon },
    ])
  })
})
