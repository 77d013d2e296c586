import { createManualClock } from '@metered/core'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { backends, openPerTest } from './harness.js'

// A debit writes the account row and its entry only; the grants its units come from are worked
// out by the next operation that locks the account for anything else (migration 9, `_allocate`).
// Each test below would take the units from the wrong grant, or fail, if that later allocation
// looked at the grants as they are then instead of as they were at the debit.
describe.each(backends)('postgres ($name): debits take from the grants later', (backend) => {
  const openFresh = openPerTest(backend)
  const start = async () => {
    const clock = createManualClock()
    const open = await openFresh({ clock })
    const { db, schema } = open
    const s = sql.raw(`"${schema}"`)
    const rows = {
      /** Each grant's stored remainder and row version, by source. */
      async grants(account: string) {
        const { rows } = await sql<{ source: string; remaining: string; xmin: string }>`
          SELECT source, remaining::text, xmin::text FROM ${s}.grants WHERE account = ${account} ORDER BY id`.execute(
          db,
        )
        return Object.fromEntries(rows.map((r) => [r.source, { remaining: Number(r.remaining), xmin: r.xmin }]))
      },
      async unallocated(account: string) {
        const { rows } = await sql<{ u: string }>`
          SELECT unallocated::text AS u FROM ${s}.accounts WHERE account = ${account}`.execute(db)
        return Number(rows[0]?.u)
      },
    }
    return { ...open.stores, clock, rows }
  }
  type Started = Awaited<ReturnType<typeof start>>
  /** A trial of 100 that expires in an hour, then 100 paid, then a debit of 30 (from the trial). */
  const trialPaidThenDebit = async (ledger: Started['ledger'], clock: Started['clock']) => {
    await ledger.grant({
      account: 'u',
      amount: 100,
      source: 'trial',
      expiresAt: clock.now() + 3_600_000,
      idempotencyKey: 't',
    })
    await ledger.grant({ account: 'u', amount: 100, source: 'paid', idempotencyKey: 'p' })
    await ledger.debit({ account: 'u', amount: 30, reason: 'chat' })
  }

  it('a debit leaves every grant row untouched and counts its units on the account', async () => {
    const { ledger, rows } = await start()
    await ledger.grant({ account: 'u', amount: 100, source: 'a', idempotencyKey: 'a' })
    const before = await rows.grants('u')
    expect(await ledger.debit({ account: 'u', amount: 30, reason: 'chat' })).toMatchObject({ ok: true, available: 70 })
    expect(await ledger.debit({ account: 'u', amount: 5, reason: 'chat' })).toMatchObject({ ok: true, available: 65 })
    expect(await rows.grants('u')).toEqual(before)
    expect(await rows.unallocated('u')).toBe(35)
    // reads show each grant as it stands after those debits, without writing
    const balance = await ledger.balance('u')
    expect(balance.available).toBe(65)
    expect(balance.grants.map((g) => [g.source, g.remaining])).toEqual([['a', 65]])
    expect(await rows.unallocated('u')).toBe(35)
    expect((await ledger.verify('u')).ok).toBe(true)
    expect((await rows.grants('u')).a?.remaining).toBe(65)
    expect(await rows.unallocated('u')).toBe(0)
  })

  it('units debited before a grant expired came from it: only the rest expires', async () => {
    const { ledger, clock, rows } = await start()
    await trialPaidThenDebit(ledger, clock)
    expect((await ledger.balance('u')).grants.map((g) => [g.source, g.remaining])).toEqual([
      ['trial', 70],
      ['paid', 100],
    ])
    clock.advance(2 * 3_600_000)
    const balance = await ledger.balance('u')
    expect(balance.available).toBe(100)
    expect(balance.grants.map((g) => [g.source, g.remaining])).toEqual([['paid', 100]])
    const expired = await ledger.history('u', { types: ['expire'] })
    expect(expired.entries.map((e) => e.amount)).toEqual([-70])
    expect(await rows.grants('u')).toMatchObject({ trial: { remaining: 0 }, paid: { remaining: 100 } })
    expect((await ledger.verify('u')).ok).toBe(true)
  })

  it('a later grant that spends first does not pay for earlier debits', async () => {
    const { ledger, rows } = await start()
    await ledger.grant({ account: 'u', amount: 100, source: 'old', idempotencyKey: 'o' })
    await ledger.debit({ account: 'u', amount: 30, reason: 'chat' })
    await ledger.grant({ account: 'u', amount: 100, source: 'bonus', priority: 10, idempotencyKey: 'b' })
    expect(await rows.grants('u')).toMatchObject({ old: { remaining: 70 }, bonus: { remaining: 100 } })
    expect(await rows.unallocated('u')).toBe(0)
    await ledger.debit({ account: 'u', amount: 20, reason: 'chat' })
    expect((await ledger.balance('u')).grants.map((g) => [g.source, g.remaining])).toEqual([
      ['bonus', 80],
      ['old', 70],
    ])
  })

  it('a refund after debits takes only what is left of that purchase', async () => {
    const { ledger } = await start()
    await ledger.grant({ account: 'u', amount: 100, source: 'pack', idempotencyKey: 'cs_1' })
    await ledger.grant({ account: 'u', amount: 50, source: 'later', idempotencyKey: 'cs_2' })
    await ledger.debit({ account: 'u', amount: 40, reason: 'chat' })
    const refund = await ledger.revoke({
      account: 'u',
      grantIdempotencyKey: 'cs_1',
      reason: 'refund',
      idempotencyKey: 'r1',
    })
    expect(refund).toMatchObject({ ok: true, revoked: 60, pending: 0, available: 50 })
    expect((await ledger.verify('u')).ok).toBe(true)
  })

  it('a hold placed after debits takes from the grants those debits left, and gives back to them', async () => {
    const { ledger, rows } = await start()
    await ledger.grant({ account: 'u', amount: 10, source: 'first', priority: 5, idempotencyKey: 'f' })
    await ledger.grant({ account: 'u', amount: 100, source: 'second', idempotencyKey: 's' })
    await ledger.debit({ account: 'u', amount: 8, reason: 'chat' })
    const hold = await ledger.reserve({ account: 'u', amount: 5, ttl: '10 m', reason: 'gen' })
    if (!hold.ok) throw new Error('reserve refused')
    expect(await rows.grants('u')).toMatchObject({ first: { remaining: 0 }, second: { remaining: 97 } })
    expect(await rows.unallocated('u')).toBe(0)
    await ledger.release({ holdId: hold.hold.id })
    expect(await rows.grants('u')).toMatchObject({ first: { remaining: 2 }, second: { remaining: 100 } })
    expect((await ledger.balance('u')).available).toBe(102)
  })

  it('a hold placed when nothing is unallocated leaves the grants the debits before it were given', async () => {
    const { ledger, rows } = await start()
    await ledger.grant({ account: 'u', amount: 10, source: 'first', priority: 5, idempotencyKey: 'f' })
    await ledger.grant({ account: 'u', amount: 100, source: 'second', idempotencyKey: 's' })
    await ledger.debit({ account: 'u', amount: 8, reason: 'chat' })
    expect((await ledger.verify('u')).ok).toBe(true)
    expect(await rows.unallocated('u')).toBe(0)
    const hold = await ledger.reserve({ account: 'u', amount: 5, ttl: '10 m', reason: 'gen' })
    expect(hold).toMatchObject({ ok: true, available: 97 })
    expect(await rows.grants('u')).toMatchObject({ first: { remaining: 0 }, second: { remaining: 97 } })
    expect(await rows.unallocated('u')).toBe(0)
  })

  it('a hold that takes the slow path after debits gives them their grants once, before housekeeping', async () => {
    const { ledger, clock, rows } = await start()
    await trialPaidThenDebit(ledger, clock)
    expect(await rows.unallocated('u')).toBe(30)
    clock.advance(2 * 3_600_000)
    // housekeeping is due, so the reserve locks through _open, which allocates the 30 first
    const hold = await ledger.reserve({ account: 'u', amount: 5, ttl: '10 m', reason: 'gen' })
    expect(hold).toMatchObject({ ok: true, available: 95 })
    expect(await rows.grants('u')).toMatchObject({ trial: { remaining: 0 }, paid: { remaining: 95 } })
    expect(await rows.unallocated('u')).toBe(0)
    expect((await ledger.history('u', { types: ['expire'] })).entries.map((e) => e.amount)).toEqual([-70])
    expect((await ledger.verify('u')).ok).toBe(true)
  })

  it('concurrent debits and holds on one account: every unit accounted for, and verify holds', async () => {
    const { ledger, rows } = await start()
    await ledger.grant({ account: 'u', amount: 50, source: 'bonus', priority: 10, idempotencyKey: 'b' })
    await ledger.grant({ account: 'u', amount: 60, source: 'pack', priority: 5, idempotencyKey: 'k' })
    await ledger.grant({ account: 'u', amount: 1000, source: 'plan', idempotencyKey: 'p' })
    // 60 calls of 1 to 3 units, debits and holds interleaved (60 units each), all admitted
    const amount = (i: number) => 1 + (i % 3)
    const calls = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        i % 2
          ? ledger.debit({ account: 'u', amount: amount(i), reason: 'chat' })
          : ledger.reserve({ account: 'u', amount: amount(i), ttl: '1 h', reason: 'gen' }),
      ),
    )
    expect(calls.every((c) => c.ok)).toBe(true)
    expect(await ledger.balance('u')).toMatchObject({ available: 1110 - 120, held: 60 })
    expect((await ledger.verify('u')).ok).toBe(true)
    // whatever order the calls ran in, each took from the first grants with units left
    expect(await rows.grants('u')).toMatchObject({
      bonus: { remaining: 0 },
      pack: { remaining: 0 },
      plan: { remaining: 990 },
    })
    expect(await rows.unallocated('u')).toBe(0)
    // each hold gives back exactly what it took, to grants that had it
    for (const c of calls) if (c.ok && 'hold' in c) await ledger.release({ holdId: c.hold.id })
    expect(await ledger.balance('u')).toMatchObject({ available: 1110 - 60, held: 0 })
    const grants = await rows.grants('u')
    expect(Object.values(grants).reduce((sum, g) => sum + g.remaining, 0)).toBe(1050)
    expect(grants.bonus?.remaining).toBeLessThanOrEqual(50)
    expect(grants.pack?.remaining).toBeLessThanOrEqual(60)
    expect((await ledger.verify('u')).ok).toBe(true)
  })

  it('a keyed debit counts its units once however often it is retried', async () => {
    const { ledger, rows } = await start()
    await ledger.grant({ account: 'u', amount: 100, source: 'a', idempotencyKey: 'a' })
    const calls = await Promise.all(
      Array.from({ length: 8 }, () =>
        ledger.debit({ account: 'u', amount: 7, reason: 'chat', idempotencyKey: 'turn-1' }),
      ),
    )
    expect(calls.filter((c) => c.ok && !c.replayed)).toHaveLength(1)
    expect(await rows.unallocated('u')).toBe(7)
    expect((await ledger.balance('u')).available).toBe(93)
    expect((await ledger.verify('u')).ok).toBe(true)
    expect((await rows.grants('u')).a?.remaining).toBe(93)
  })
})
