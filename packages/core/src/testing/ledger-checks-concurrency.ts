import { expect } from 'vitest'
import { entriesSum, expectSound, grant, type LedgerCheck, okResult, outcomes, uid } from './ledger-check-kit.js'

/** Many parallel debits of 1 against a small balance: exactly the balance is admitted, never more. */
export const concurrentDebits: LedgerCheck = async ({ harness, concurrency }) => {
  const { ledger, raw } = harness
  const account = uid('race-debit')
  const balance = Math.max(1, Math.floor(concurrency / 4))
  await grant(ledger, account, balance)
  const results = await Promise.all(
    Array.from({ length: concurrency }, (_, i) => ledger.debit({ account, amount: 1, reason: `r${i}` })),
  )
  const admitted = results.filter((r) => r.ok)
  const refused = results.filter((r) => !r.ok)
  expect(admitted, 'admitted debits').toHaveLength(balance)
  expect(refused).toHaveLength(concurrency - balance)
  for (const r of refused) expect(r).toEqual({ ok: false, reason: 'insufficient_credits', available: 0, required: 1 })
  // Each admitted debit saw its own balance: the admits were serialised, not double-counted.
  expect(admitted.map((r) => r.available).sort((a, b) => a - b)).toEqual(Array.from({ length: balance }, (_, i) => i))
  expect(new Set(admitted.map((r) => (r.ok ? r.entryId : ''))).size).toBe(balance)
  expect(await ledger.balance(account)).toMatchObject({ available: 0, held: 0 })
  expect(await entriesSum(raw, account)).toBe(0)
  expect((await raw.entries(account)).filter((e) => e.type === 'debit')).toHaveLength(balance)
  await expectSound(harness, account)
}

/** Parallel debits of mixed sizes across grants of mixed priority: no overdraft, no false refusal. */
export const concurrentMixedDebits: LedgerCheck = async ({ harness, concurrency, clock }) => {
  const { ledger } = harness
  const account = uid('race-mixed')
  const amounts = [7, 11, 13, 17, 2]
  await Promise.all(
    amounts.map((amount, i) =>
      grant(ledger, account, amount, { priority: i % 3, ...(i % 2 ? { expiresAt: clock.now() + 86_400_000 } : {}) }),
    ),
  )
  const total = amounts.reduce((s, a) => s + a, 0)
  const asks = Array.from({ length: concurrency }, (_, i) => (i % 5) + 1)
  const results = await Promise.all(asks.map((amount) => ledger.debit({ account, amount, reason: 'mixed' })))
  const charged = results.reduce((s, r) => s + (r.ok ? r.amount : 0), 0)
  const { available } = await ledger.balance(account)
  expect(available).toBe(total - charged)
  // Balances only fall here, so a refused ask was larger than what is left at the end.
  for (const r of results) if (!r.ok) expect(r.required).toBeGreaterThan(available)
  for (const r of results) if (!r.ok) expect(r.available).toBeLessThan(r.required)
  await expectSound(harness, account)
}

/** Parallel reserves hold exactly the balance; parallel settles and releases close them exactly once. */
export const concurrentHolds: LedgerCheck = async ({ harness, concurrency }) => {
  const { ledger, raw } = harness
  const account = uid('race-hold')
  const balance = Math.max(4, Math.floor(concurrency / 4))
  await grant(ledger, account, balance)
  const results = await Promise.all(
    Array.from({ length: concurrency }, () => ledger.reserve({ account, amount: 1, ttl: '1 h' })),
  )
  const holds = results.flatMap((r) => (r.ok ? [r.hold.id] : []))
  expect(holds).toHaveLength(balance)
  expect(new Set(holds).size).toBe(balance)
  expect(await ledger.balance(account)).toMatchObject({ available: 0, held: balance })
  await expectSound(harness, account)

  // A quarter settled 1 (each twice at once), a quarter settled 0, the rest released twice at once.
  const q = Math.floor(balance / 4)
  const settled1 = holds.slice(0, q)
  const settled0 = holds.slice(q, 2 * q)
  const released = holds.slice(2 * q)
  const closes = await Promise.all([
    ...settled1.flatMap((holdId) => [ledger.settle({ holdId, amount: 1 }), ledger.settle({ holdId, amount: 1 })]),
    ...settled0.map((holdId) => ledger.settle({ holdId, amount: 0 })),
    ...released.flatMap((holdId) => [ledger.release({ holdId }), ledger.release({ holdId })]),
  ])
  for (const c of closes) expect(c.ok).toBe(true)
  const fresh = closes.filter((c) => c.ok && !c.replayed)
  expect(fresh, 'each hold closed exactly once').toHaveLength(holds.length)
  expect(await ledger.balance(account)).toMatchObject({ available: balance - q, held: 0 })
  expect(await entriesSum(raw, account)).toBe(balance - q)
  await expectSound(harness, account)
}

/** The same key from many callers at once: one effect, every caller gets the same result. */
export const concurrentReplays: LedgerCheck = async ({ harness }) => {
  const { ledger, raw } = harness
  const n = 50
  const account = uid('replay')
  const gk = uid('grant')
  const grants = await Promise.all(
    Array.from({ length: n }, () => ledger.grant({ account, amount: 10, source: 'pack', idempotencyKey: gk })),
  )
  expect(
    grants.filter((g) => !g.replayed),
    'one grant effect for one key',
  ).toHaveLength(1)
  expect(new Set(grants.map((g) => `${g.grantId}|${g.entryId}|${g.available}|${g.amount}`)).size).toBe(1)
  expect(await raw.grants(account)).toHaveLength(1)
  expect(await raw.entries(account)).toHaveLength(1)
  expect((await ledger.balance(account)).available).toBe(10)

  // The balance allows one debit of 10; every retry of it still succeeds, as a replay.
  const dk = uid('debit')
  const debits = await Promise.all(
    Array.from({ length: n }, () => ledger.debit({ account, amount: 10, reason: 'once', idempotencyKey: dk })),
  )
  for (const d of debits) expect(d.ok).toBe(true)
  expect(
    debits.filter((d) => d.ok && !d.replayed),
    'one debit effect for one key',
  ).toHaveLength(1)
  expect(new Set(debits.map((d) => (d.ok ? d.entryId : ''))).size).toBe(1)
  expect((await ledger.balance(account)).available).toBe(0)

  await grant(ledger, account, 10)
  const rk = uid('reserve')
  const reserves = await Promise.all(
    Array.from({ length: n }, () => ledger.reserve({ account, amount: 10, ttl: '1 h', idempotencyKey: rk })),
  )
  for (const r of reserves) expect(r.ok).toBe(true)
  expect(
    reserves.filter((r) => r.ok && !r.replayed),
    'one hold for one key',
  ).toHaveLength(1)
  expect(new Set(reserves.map((r) => (r.ok ? r.hold.id : ''))).size).toBe(1)
  expect(await ledger.balance(account)).toMatchObject({ available: 0, held: 10 })

  const target = await grant(ledger, account, 10)
  const vk = uid('revoke')
  const revokes = await Promise.all(
    Array.from({ length: n }, () =>
      ledger.revoke({ account, grantId: target.grantId, amount: 4, reason: 'refund', idempotencyKey: vk }),
    ),
  )
  expect(
    revokes.filter((r) => r.ok && !r.replayed),
    'one revoke effect for one key',
  ).toHaveLength(1)
  for (const r of revokes) expect(r).toMatchObject({ ok: true, revoked: 4 })
  // Distinct revokes race for what is left: together they take it exactly.
  const distinct = await Promise.all(
    Array.from({ length: 10 }, () => ledger.revoke({ account, grantId: target.grantId, amount: 4, reason: 'more' })),
  )
  expect(distinct.reduce((s, r) => s + (r.ok ? r.revoked : 0), 0)).toBe(6)
  expect(await ledger.balance(account)).toMatchObject({ available: 0, held: 10 })
  await expectSound(harness, account)

  // One key, two parameter sets at once: one effect; every other call replays it or conflicts.
  const mixed = uid('mixed')
  await grant(ledger, mixed, 100)
  const mk = uid('debit')
  const raced = await outcomes(
    Array.from({ length: 20 }, (_, i) =>
      ledger.debit({ account: mixed, amount: 1 + (i % 2), reason: 'm', idempotencyKey: mk }),
    ),
  )
  const effects = raced.filter((o) => 'value' in o && o.value.ok && !o.value.replayed)
  expect(effects).toHaveLength(1)
  const winner = okResult((effects[0] as { value: Awaited<ReturnType<typeof ledger.debit>> }).value, 'winner')
  for (const o of raced) {
    if ('value' in o) expect(o.value).toMatchObject({ ok: true, amount: winner.amount, entryId: winner.entryId })
    else expect(o.code).toBe('idempotency_conflict')
  }
  expect(raced.filter((o) => 'code' in o)).toHaveLength(10)
  expect((await ledger.balance(mixed)).available).toBe(100 - winner.amount)
  await expectSound(harness, mixed)
}

/**
 * Expiry noticed by many callers at once is recorded once; a settle racing a release of the
 * same hold closes it once, one way or the other.
 */
export const concurrentHousekeeping: LedgerCheck = async ({ harness, clock, concurrency }) => {
  const { ledger, raw } = harness
  const account = uid('race-expire')
  await grant(ledger, account, 30, { expiresAt: clock.now() + 1000 })
  await grant(ledger, account, 20, { expiresAt: clock.now() + 1000 })
  await grant(ledger, account, 100)
  // The hold takes 30 + 10 from the expiring grants (soonest expiry first). At expiry the 10
  // left unheld expire, and the 40 held are forfeited as the hold expires with them.
  okResult(await ledger.reserve({ account, amount: 40, ttl: 1000 }), 'reserve')
  clock.advance(1000)
  const n = Math.max(10, Math.floor(concurrency / 4))
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      i % 3 === 0
        ? ledger.balance(account)
        : i % 3 === 1
          ? ledger.debit({ account, amount: 1, reason: 'r' })
          : ledger.reserve({ account, amount: 1, ttl: '1 h' }),
    ),
  )
  const entries = await raw.entries(account)
  const expired = entries.filter((e) => e.type === 'expire').reduce((s, e) => s + e.amount, 0)
  expect(expired, 'each expiry recorded once').toBe(-50)
  await expectSound(harness, account)

  const races = uid('race-close')
  await grant(ledger, races, 40)
  const holds = await Promise.all(
    Array.from({ length: 20 }, () => ledger.reserve({ account: races, amount: 2, ttl: '1 h' })),
  )
  const closes = await Promise.all(
    holds.map(async (r) => {
      const holdId = okResult(r, 'reserve').hold.id
      const [settled, released] = await Promise.all([ledger.settle({ holdId, amount: 1 }), ledger.release({ holdId })])
      return { settled, released }
    }),
  )
  let charged = 0
  for (const { settled, released } of closes) {
    // Exactly one of the two took effect; the other saw a closed hold.
    if (settled.ok) {
      expect(released).toEqual({ ok: false, reason: 'hold_closed' })
      charged += settled.charged
    } else {
      expect(settled).toEqual({ ok: false, reason: 'hold_closed' })
      expect(released).toMatchObject({ ok: true, released: 2, replayed: false })
    }
  }
  expect(await ledger.balance(races)).toMatchObject({ available: 40 - charged, held: 0 })
  await expectSound(harness, races)
}
