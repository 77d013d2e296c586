import { describe, expect, it } from 'vitest'
import { createManualClock } from '../src/clock.js'
import { IdempotencyConflictError, ValidationError } from '../src/errors.js'
import { MAX_BALANCE } from '../src/ledger/types.js'
import { readVerify } from '../src/memory/ledger-reads.js'
import { accountState, createLedgerState, nextId } from '../src/memory/ledger-state.js'
import { createMemoryLedger } from '../src/memory/memory-ledger.js'

// Edge cases of the reference ledger that the conformance suite leaves to each adapter's
// choice or cannot reach from outside (corrupted state, call-order atomicity).

function setup() {
  const clock = createManualClock()
  const ledger = createMemoryLedger({ clock })
  return { clock, ledger, account: `acc-${crypto.randomUUID()}` }
}

const key = () => crypto.randomUUID()

describe('memory ledger', () => {
  it('decides each operation when it is called, so callers never interleave inside one', async () => {
    const { ledger, account } = setup()
    // Not awaited: the debit is decided before the grant exists, whatever order they resolve in.
    const debit = ledger.debit({ account, amount: 5, reason: 'r' })
    const granted = ledger.grant({ account, amount: 10, source: 's', idempotencyKey: key() })
    expect(await debit).toEqual({ ok: false, reason: 'insufficient_credits', available: 0, required: 5 })
    expect((await granted).available).toBe(10)
  })

  it('rejects bad input asynchronously, never by a synchronous throw', async () => {
    const { ledger, account } = setup()
    let pending: Promise<unknown> | undefined
    expect(() => {
      pending = ledger.debit({ account, amount: -1, reason: 'r' })
    }).not.toThrow()
    await expect(pending).rejects.toBeInstanceOf(ValidationError)
  })

  it('throws IdempotencyConflictError carrying the key', async () => {
    const { ledger, account } = setup()
    const k = key()
    await ledger.grant({ account, amount: 1, source: 's', idempotencyKey: k })
    const error = await ledger.grant({ account, amount: 2, source: 's', idempotencyKey: k }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(IdempotencyConflictError)
    expect(error).toMatchObject({ code: 'idempotency_conflict', idempotencyKey: k })
  })

  it('expires a grant born expired at once, with its entry, and leaves it out of the result', async () => {
    const { ledger, account, clock } = setup()
    await ledger.grant({ account, amount: 5, source: 'live', idempotencyKey: key() })
    const late = await ledger.grant({
      account,
      amount: 10,
      source: 'late',
      idempotencyKey: key(),
      expiresAt: clock.now(),
    })
    expect(late.available).toBe(5)
    const { entries } = await ledger.history(account)
    expect(entries.map((e) => [e.type, e.amount, e.grantId])).toEqual([
      ['expire', -10, late.grantId],
      ['grant', 10, late.grantId],
      ['grant', 5, expect.any(String)],
    ])
  })

  it('records a forfeit as one expire entry naming the hold', async () => {
    const { ledger, account, clock } = setup()
    await ledger.grant({ account, amount: 10, source: 'a', idempotencyKey: key(), expiresAt: clock.now() + 10 })
    await ledger.grant({ account, amount: 10, source: 'b', idempotencyKey: key(), expiresAt: clock.now() + 10 })
    const r = await ledger.reserve({ account, amount: 20, ttl: '1 h', reason: 'stream' })
    if (!r.ok) throw new Error('reserve refused')
    clock.advance(10)
    expect(await ledger.release({ holdId: r.hold.id })).toMatchObject({ released: 0, forfeited: 20 })
    const { entries } = await ledger.history(account, { types: ['expire'] })
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({ amount: -20, holdId: r.hold.id, grantId: null, reason: 'stream' })
  })

  it('puts settle metadata on the debit entry, falling back to the reserve metadata', async () => {
    const { ledger, account } = setup()
    await ledger.grant({ account, amount: 10, source: 's', idempotencyKey: key() })
    const hold = async () => {
      const r = await ledger.reserve({ account, amount: 2, ttl: '1 m', metadata: { from: 'reserve' } })
      if (!r.ok) throw new Error('reserve refused')
      return r.hold.id
    }
    await ledger.settle({ holdId: await hold(), amount: 1 })
    await ledger.settle({ holdId: await hold(), amount: 1, metadata: { from: 'settle' } })
    const { entries } = await ledger.history(account, { types: ['debit'] })
    expect(entries.map((e) => e.metadata)).toEqual([{ from: 'settle' }, { from: 'reserve' }])
  })

  it('settles an expired hold from available credits even after a release was answered as a replay', async () => {
    const { ledger, account, clock } = setup()
    await ledger.grant({ account, amount: 10, source: 's', idempotencyKey: key() })
    const r = await ledger.reserve({ account, amount: 4, ttl: 100 })
    if (!r.ok) throw new Error('reserve refused')
    clock.advance(100)
    expect(await ledger.release({ holdId: r.hold.id })).toMatchObject({ ok: true, released: 0, replayed: true })
    expect(await ledger.settle({ holdId: r.hold.id, amount: 0 })).toMatchObject({
      ok: true,
      charged: 0,
      entryId: null,
      holdExpired: true,
    })
    expect(await ledger.release({ holdId: r.hold.id })).toEqual({ ok: false, reason: 'hold_closed' })
  })

  it('keeps a JSON copy of metadata, shared with no caller', async () => {
    const { ledger, account } = setup()
    const metadata = { order: 'o-1', at: '1970-01-01T00:00:00.000Z', nested: { n: 1 } }
    await ledger.grant({ account, amount: 1, source: 's', idempotencyKey: key(), metadata })
    metadata.nested.n = 2
    const first = (await ledger.history(account)).entries[0]!
    expect(first.metadata).toEqual({ order: 'o-1', at: '1970-01-01T00:00:00.000Z', nested: { n: 1 } })
    ;(first.metadata as { order: string }).order = 'changed'
    expect((await ledger.history(account)).entries[0]!.metadata).toMatchObject({ order: 'o-1' })
    // Not plain JSON: refused with the path of the offending value (a Date is not turned into a string).
    for (const [bad, path] of [
      [{ big: 1n }, 'metadata.big'],
      [{ at: new Date(0) }, 'metadata.at'],
    ] as const) {
      await expect(ledger.debit({ account, amount: 1, reason: 'r', metadata: bad })).rejects.toMatchObject({
        code: 'validation_error',
        issues: [{ path }],
      })
    }
    expect((await ledger.balance(account)).available).toBe(1)
  })

  it('refuses cursors it did not issue', async () => {
    const { ledger, account } = setup()
    for (const cursor of ['0', '-1', '1.5', '01', 'abc', ' 1', '12345678901234567']) {
      await expect(ledger.history(account, { cursor })).rejects.toMatchObject({ code: 'validation_error' })
    }
    await ledger.grant({ account, amount: 1, source: 's', idempotencyKey: key() })
    expect((await ledger.history(account, { cursor: '999999' })).entries).toHaveLength(1)
  })

  it('uses the system clock by default and keeps instances apart', async () => {
    const a = createMemoryLedger()
    const b = createMemoryLedger()
    const before = Date.now()
    await a.grant({ account: 'x', amount: 3, source: 's', idempotencyKey: 'k' })
    const r = await a.reserve({ account: 'x', amount: 1, ttl: '1 m' })
    if (!r.ok) throw new Error('reserve refused')
    expect(r.hold.expiresAt).toBeGreaterThanOrEqual(before + 60_000)
    expect(r.hold.expiresAt).toBeLessThanOrEqual(Date.now() + 60_000)
    expect((await b.balance('x')).available).toBe(0)
    expect((await b.grant({ account: 'x', amount: 5, source: 's', idempotencyKey: 'k' })).replayed).toBe(false)
  })

  it('handles amounts up to the largest safe integer', async () => {
    const { ledger, account } = setup()
    const max = Number.MAX_SAFE_INTEGER
    await ledger.grant({ account, amount: max, source: 's', idempotencyKey: key() })
    expect(await ledger.debit({ account, amount: max, reason: 'all' })).toMatchObject({ ok: true, available: 0 })
    expect((await ledger.verify(account)).ok).toBe(true)
  })

  it('housekeeping that skips while nothing is due still expires units given back after the clock moved back', async () => {
    const { clock, ledger, account } = setup()
    const t0 = clock.now()
    await ledger.grant({ account, amount: 10, source: 's', expiresAt: t0 + 100, idempotencyKey: key() })
    const r = await ledger.reserve({ account, amount: 4, ttl: 1000 })
    if (!r.ok) throw new Error('reserve refused')
    clock.set(t0 + 200)
    expect(await ledger.balance(account)).toMatchObject({ available: 0, held: 4 })
    // Back before the grant's expiry, the release returns the units to it...
    clock.set(t0 + 50)
    expect(await ledger.release({ holdId: r.hold.id })).toMatchObject({ ok: true, released: 4, available: 4 })
    // ...and once past it again they expire, though the last full pass saw nothing due before t0 + 1000.
    clock.set(t0 + 150)
    expect(await ledger.balance(account)).toMatchObject({ available: 0, held: 0 })
    expect((await ledger.verify(account)).ok).toBe(true)
  })

  it('verify recomputes every total and reports what disagrees', () => {
    const state = createLedgerState()
    const acc = accountState(state, 'a')
    acc.grants.push({
      id: nextId(state, 'grant'),
      account: 'a',
      source: 's',
      amount: 10,
      remaining: -1,
      clawback: 0,
      priority: 0,
      expiresAt: null,
      createdAt: 0,
      seq: 1,
      status: 'live',
    })
    acc.available = 5
    acc.held = 2
    const result = readVerify(acc, 'a', 0)
    expect(result.ok).toBe(false)
    expect(result).toMatchObject({ available: 5, held: 2, liveRemainders: -1, entriesSum: 0, openHolds: 0 })
    expect(result.problems).toHaveLength(4)
    expect(result.problems.join('\n')).toMatch(/below zero/)
    expect(result.problems.join('\n')).toMatch(/sum of live remainders/)
    expect(result.problems.join('\n')).toMatch(/sum of open holds/)
    expect(result.problems.join('\n')).toMatch(/sum of entries/)
  })

  it('verify reports a clawback below zero, one owed beside a remainder, and totals past MAX_BALANCE', () => {
    const state = createLedgerState()
    const acc = accountState(state, 'a')
    const row = { account: 'a', source: 's', priority: 0, expiresAt: null, createdAt: 0, status: 'live' as const }
    acc.grants.push({ ...row, id: 'g1', amount: 10, remaining: 4, clawback: 3, seq: 1 })
    acc.grants.push({ ...row, id: 'g2', amount: 10, remaining: 0, clawback: -2, seq: 2 })
    acc.grants.push({ ...row, id: 'g3', amount: MAX_BALANCE, remaining: MAX_BALANCE - 4, clawback: 0, seq: 3 })
    acc.available = MAX_BALANCE
    acc.entries.push({ ...entry, amount: MAX_BALANCE })
    const result = readVerify(acc, 'a', 0)
    expect(result.problems).toEqual([
      'grant g1 has both remaining 4 and clawback 3',
      'grant g2 has clawback -2 below zero',
    ])
    acc.held = 1
    acc.entries.push({ ...entry, amount: 1 })
    expect(readVerify(acc, 'a', 0).problems).toContain(`held 1 != sum of open holds 0`)
    expect(readVerify(acc, 'a', 0).problems).toContain(`available + held ${MAX_BALANCE + 1} is above MAX_BALANCE`)
  })
})

const entry = {
  id: 'e',
  seq: 1,
  account: 'a',
  type: 'grant' as const,
  grantId: null,
  holdId: null,
  reason: 'r',
  metadata: null,
  createdAt: 0,
}
