import { createManualClock, MAX_BALANCE, ValidationError } from '@metered/core'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { backends, openPerTest } from './harness.js'

// An account holds at most MAX_BALANCE (2^53 - 1) units, available + held, so every total is an
// exact JavaScript number. The grant function refuses, inside its transaction, what would pass it.
describe.each(backends)('postgres ($name): balance bound', (backend) => {
  const openFresh = openPerTest(backend)
  const start = async () => {
    const open = await openFresh({ clock: createManualClock() })
    return { ...open.stores, db: open.db, schema: open.schema }
  }

  it('a grant past MAX_BALANCE (available + held) is a ValidationError on amount and writes nothing', async () => {
    const { ledger } = await start()
    await ledger.grant({ account: 'a', amount: MAX_BALANCE - 10, source: 's', idempotencyKey: 'g1' })
    const hold = await ledger.reserve({ account: 'a', amount: 5, ttl: '1 m' })
    expect(hold.ok).toBe(true)
    const error = await ledger
      .grant({ account: 'a', amount: 11, source: 's', idempotencyKey: 'g2' })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['amount'])
    expect((await ledger.history('a')).entries).toHaveLength(1)
    // The refused key was not stored: the same key with an amount that fits now grants.
    expect(await ledger.grant({ account: 'a', amount: 10, source: 's', idempotencyKey: 'g2' })).toMatchObject({
      replayed: false,
      available: MAX_BALANCE - 5,
    })
    const balance = await ledger.balance('a')
    expect(balance).toMatchObject({ available: MAX_BALANCE - 5, held: 5 })
    expect(balance.available + balance.held).toBe(MAX_BALANCE)
    await expect(ledger.grant({ account: 'a', amount: 1, source: 's', idempotencyKey: 'g3' })).rejects.toBeInstanceOf(
      ValidationError,
    )
    // Another account is not affected.
    expect((await ledger.grant({ account: 'b', amount: MAX_BALANCE, source: 's', idempotencyKey: 'g4' })).ok).toBe(true)
  })

  it('sums at the bound are exact: balance, settle, history and verify agree to the unit', async () => {
    const { ledger } = await start()
    await ledger.grant({ account: 'a', amount: MAX_BALANCE - 3, source: 's', idempotencyKey: 'g1' })
    await ledger.grant({ account: 'a', amount: 3, source: 's', idempotencyKey: 'g2', priority: 1 })
    const hold = await ledger.reserve({ account: 'a', amount: MAX_BALANCE - 1, ttl: '1 m' })
    if (!hold.ok) throw new Error('reserve refused')
    expect(hold.available).toBe(1)
    const settled = await ledger.settle({ holdId: hold.hold.id, amount: MAX_BALANCE })
    expect(settled).toMatchObject({ charged: MAX_BALANCE, shortfall: 0, available: 0 })
    const v = await ledger.verify('a')
    expect(v).toMatchObject({ ok: true, available: 0, held: 0, entriesSum: 0 })
    const amounts = (await ledger.history('a')).entries.map((e) => e.amount)
    expect(amounts).toEqual([-MAX_BALANCE, 3, MAX_BALANCE - 3])
    expect(amounts.every(Number.isSafeInteger)).toBe(true)
  })

  it('verify compares exactly: one unit of difference above 2^53 is reported', async () => {
    const { ledger, db, schema } = await start()
    const g = await ledger.grant({ account: 'a', amount: 5, source: 's', idempotencyKey: 'g1' })
    const s = sql.raw(`"${schema}"`)
    // A corruption no operation can produce: as doubles, 2^53 and 2^53 + 1 are the same number.
    await sql`UPDATE ${s}.grants SET remaining = 9007199254740992 WHERE id = ${Number(g.grantId.slice(2))}`.execute(db)
    await sql`UPDATE ${s}.accounts SET available = 9007199254740993 WHERE account = 'a'`.execute(db)
    const v = await ledger.verify('a')
    expect(v.ok).toBe(false)
    expect(v.problems).toContain('available is 9007199254740993, live grants hold 9007199254740992')
    expect(v.problems.join('\n')).toMatch(/above MAX_BALANCE/)
  })

  it('concurrent grants cannot pass the bound together', async () => {
    const { ledger } = await start()
    const tenth = Math.floor(MAX_BALANCE / 10)
    const results = await Promise.allSettled(
      Array.from({ length: 16 }, (_, i) =>
        ledger.grant({ account: 'a', amount: tenth, source: 's', idempotencyKey: `g${i}` }),
      ),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10)
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ValidationError)
    const v = await ledger.verify('a')
    expect(v).toMatchObject({ ok: true, available: tenth * 10, entriesSum: tenth * 10 })
  })
})
