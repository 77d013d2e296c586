import { describe, expect, it } from 'vitest'
import { createLimiter, createManualClock, createMemoryStores, fixedWindow } from '../src/index.js'

// What the conformance suite leaves to each store: a key used by a hold-mode authorize and then
// by a charge with the same amount (the same reserve fingerprint) is not that charge's replay.
describe('memory authorizer', () => {
  it('a charge under the key of an open hold is a conflict, not a settle of that hold', async () => {
    const clock = createManualClock()
    const stores = createMemoryStores({ clock })
    const limiter = createLimiter({
      store: stores.limiterStore,
      rules: { day: fixedWindow({ limit: 10, window: '1 d' }) },
    })
    await stores.ledger.grant({ account: 'a', amount: 100, source: 'test', idempotencyKey: 'g' })
    const input = { account: 'a', amount: 30, ttl: 60_000, reason: 'x', idempotencyKey: 'k' }
    const held = await stores.authorizer.authorize({ ...input, charge: false, limits: limiter.plan('a') })
    expect(held).toMatchObject({ ok: true, replayed: false })
    await expect(
      stores.authorizer.authorize({ ...input, charge: true, limits: limiter.plan('a') }),
    ).rejects.toMatchObject({ code: 'idempotency_conflict' })
    expect(await stores.ledger.balance('a')).toMatchObject({ available: 70, held: 30 })
    expect((await limiter.peek('a')).remaining).toBe(9)
    // The hold-mode retry still replays.
    expect(await stores.authorizer.authorize({ ...input, charge: false, limits: limiter.plan('a') })).toMatchObject({
      ok: true,
      replayed: true,
      holdId: held.ok ? held.holdId : 'none',
    })
  })
})
