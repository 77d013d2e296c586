import { type AuthorizeStoreInput, createManualClock, fixedWindow, IdempotencyConflictError } from '@metered/core'
import { describe, expect, it } from 'vitest'
import { backends, openPerTest } from './harness.js'

// A retried authorize (same idempotency key) must replay the original outcome before any check,
// even when the balance or a rule would refuse a fresh call now: docs/semantics.md, "One-step authorize".
describe.each(backends)('postgres ($name): authorize replays its key first', (backend) => {
  const openFresh = openPerTest(backend)
  const start = async () => {
    const open = await openFresh({ clock: createManualClock() })
    return open.stores
  }
  const hourly = (account: string) => ({
    items: [{ key: account, name: 'hour', rule: fixedWindow({ limit: 1, window: '1 h' }), cost: 1 }],
  })

  it('a retried charge that spent the whole balance replays, consuming nothing', async () => {
    const { ledger, authorizer } = await start()
    await ledger.grant({ account: 'a', amount: 100, source: 's', idempotencyKey: 'g' })
    const call = {
      account: 'a',
      amount: 100,
      ttl: '1 m',
      reason: 'gen',
      charge: true,
      idempotencyKey: 'K',
      limits: hourly('a'),
    } as const
    const first = await authorizer.authorize(call)
    expect(first).toMatchObject({ ok: true, holdId: null, available: 0, replayed: false })
    const again = await authorizer.authorize(call)
    expect(again).toMatchObject({ ok: true, holdId: null, entryId: first.ok ? first.entryId : '', available: 0 })
    expect(again.ok && again.replayed).toBe(true)
    // The limits are today's dry run: the one request of the hour is used, and not used twice.
    expect(again.limits.allowed).toBe(false)
    expect(again.limits.rules[0]).toMatchObject({ remaining: 0, allowed: false })
    const debits = await ledger.history('a', { types: ['debit'] })
    expect(debits.entries).toHaveLength(1)
    expect(await ledger.balance('a')).toMatchObject({ available: 0, held: 0 })
  })

  it('a retried hold replays the same hold while a rule and the balance would refuse', async () => {
    const { ledger, authorizer, limiterStore } = await start()
    await ledger.grant({ account: 'a', amount: 100, source: 's', idempotencyKey: 'g' })
    const call = { account: 'a', amount: 100, ttl: '1 m', reason: 'gen', charge: false, idempotencyKey: 'K' } as const
    const first = await authorizer.authorize({ ...call, limits: hourly('a') })
    if (!first.ok) throw new Error('refused')
    const again = await authorizer.authorize({ ...call, limits: hourly('a') })
    expect(again).toMatchObject({ ok: true, holdId: first.holdId, entryId: null, available: 0, replayed: true })
    expect(await ledger.balance('a')).toMatchObject({ available: 0, held: 100 })
    // Nothing consumed by the replay: the rule still counts one request.
    const state = await limiterStore.consume({ ...hourly('a'), dryRun: true })
    expect(state.rules[0]).toMatchObject({ remaining: 0 })
  })

  it('the same key with other parameters is a conflict, even when the balance would refuse', async () => {
    const { ledger, authorizer } = await start()
    await ledger.grant({ account: 'a', amount: 100, source: 's', idempotencyKey: 'g' })
    const call = {
      account: 'a',
      ttl: '1 m',
      reason: 'gen',
      charge: true,
      idempotencyKey: 'K',
      limits: hourly('a'),
    } as const
    expect((await authorizer.authorize({ ...call, amount: 100 })).ok).toBe(true)
    await expect(authorizer.authorize({ ...call, amount: 50 })).rejects.toBeInstanceOf(IdempotencyConflictError)
    await expect(authorizer.authorize({ ...call, amount: 100, reason: 'other' })).rejects.toBeInstanceOf(
      IdempotencyConflictError,
    )
    expect(await ledger.balance('a')).toMatchObject({ available: 0, held: 0 })
  })

  it('a charge under the key of a hold placed with the same parameters is a conflict, as in memory', async () => {
    const { ledger, authorizer } = await start()
    await ledger.grant({ account: 'a', amount: 100, source: 's', idempotencyKey: 'g' })
    const call = {
      account: 'a',
      amount: 40,
      ttl: '1 m',
      reason: 'gen',
      idempotencyKey: 'K',
      limits: hourly('a'),
    } as const
    const hold = await authorizer.authorize({ ...call, charge: false })
    expect(hold).toMatchObject({ ok: true, replayed: false })
    await expect(authorizer.authorize({ ...call, charge: true })).rejects.toBeInstanceOf(IdempotencyConflictError)
    expect(await ledger.balance('a')).toMatchObject({ available: 60, held: 40 })
    expect((await ledger.history('a', { types: ['debit'] })).entries).toHaveLength(0)
  })

  it('an authorize without rules is validated and decided like the memory authorizer', async () => {
    const { ledger, authorizer } = await start()
    await ledger.grant({ account: 'a', amount: 10, source: 's', idempotencyKey: 'g' })
    const call: AuthorizeStoreInput = {
      account: 'a',
      amount: 4,
      ttl: '1 m',
      reason: 'gen',
      charge: true,
      limits: { items: [] },
    }
    expect(await authorizer.authorize(call)).toMatchObject({
      ok: true,
      available: 6,
      limits: { allowed: true, rules: [] },
    })
  })
})
