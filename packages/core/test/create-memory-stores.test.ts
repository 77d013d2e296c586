import { describe, expect, it } from 'vitest'
import { createManualClock } from '../src/clock.js'
import { createMemoryStores } from '../src/memory/create-memory-stores.js'

describe('createMemoryStores', () => {
  it('returns the four ports, all on the one clock given', async () => {
    const clock = createManualClock(Date.UTC(2026, 4, 1))
    const { ledger, limiterStore, usage, users } = createMemoryStores({ clock })
    clock.advance(42)
    expect((await usage.record({ account: 'a', feature: 'chat', amount: 1, status: 'ok' })).at).toBe(clock.now())
    expect((await users.upsert({ id: 'u' })).createdAt).toBe(clock.now())
    const grant = await ledger.grant({ account: 'a', amount: 5, source: 'signup', idempotencyKey: 'signup:a' })
    expect(grant).toMatchObject({ ok: true })
    expect((await ledger.balance('a')).available).toBe(5)
    expect(typeof limiterStore.consume).toBe('function')
  })

  it('gives every call its own state', async () => {
    const first = createMemoryStores()
    const second = createMemoryStores()
    await first.users.upsert({ id: 'only-in-first' })
    expect(await second.users.get('only-in-first')).toBeNull()
  })
})
