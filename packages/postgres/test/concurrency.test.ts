import { type Ledger, StoreUnavailableError } from '@metered/core'
import { databaseUrl, uniqueName, withClient } from '@metered/tooling'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PgTestDb, pgTestDb, storesFor } from './harness.js'

describe('postgres: concurrency across pools and killed connections', () => {
  const pools: PgTestDb[] = []
  let schema = ''

  beforeAll(async () => {
    const first = await pgTestDb({ max: 8 })
    schema = first.schema
    pools.push(first)
    for (let i = 0; i < 3; i++) pools.push(await pgTestDb({ max: 8, schema }))
  })
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()))
  })

  it('debits from 4 separate pools (32 connections) on one account: exact admits, no overdraft', async () => {
    const ledgers = pools.map((p) => storesFor(p).ledger)
    const account = uniqueName('hot')
    const first = ledgers[0] as Ledger
    await first.grant({ account, amount: 300, source: 'a', idempotencyKey: `${account}:a` })
    await first.grant({ account, amount: 200, source: 'b', idempotencyKey: `${account}:b`, priority: 1 })
    const results = await Promise.all(
      Array.from({ length: 400 }, (_, i) =>
        (ledgers[i % ledgers.length] as Ledger).debit({ account, amount: 1 + (i % 3), reason: 'race' }),
      ),
    )
    const charged = results.reduce((sum, r) => sum + (r.ok ? r.amount : 0), 0)
    const balance = await first.balance(account)
    expect(balance.available).toBe(500 - charged)
    expect(balance.available).toBeLessThan(3) // every size is 1..3, so only a remainder below 3 can be left
    expect(results.filter((r) => !r.ok).length).toBeGreaterThan(0)
    expect((await first.verify(account)).problems).toEqual([])
  })

  it('a debit whose connection is killed mid-transaction leaves nothing behind; its retry applies once', async () => {
    const t = pools[0] as PgTestDb
    const { ledger } = storesFor(t)
    const account = uniqueName('killed')
    await ledger.grant({ account, amount: 100, source: 'a', idempotencyKey: `${account}:grant` })

    // Another session holds the account row, so the debit's function blocks inside its
    // transaction, after it started; then we kill its backend.
    await withClient(databaseUrl(), async (blocker) => {
      await blocker.query('BEGIN')
      await blocker.query(`SELECT 1 FROM "${schema}".accounts WHERE account = $1 FOR UPDATE`, [account])
      const debit = ledger.debit({ account, amount: 40, reason: 'x', idempotencyKey: `${account}:debit` })
      const outcome = debit.then(
        () => 'resolved',
        (e: unknown) => e,
      )
      let pid: number | undefined
      for (let i = 0; i < 100 && pid === undefined; i++) {
        // From its own session: inside a transaction pg_stat_activity is a snapshot.
        const { rows } = await withClient(databaseUrl(), (c) =>
          c.query<{ pid: number }>(
            `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1`,
            [`%"${schema}".debit(%`],
          ),
        )
        pid = rows[0]?.pid
        if (pid === undefined) await new Promise((r) => setTimeout(r, 20))
      }
      expect(pid, 'the blocked debit shows in pg_stat_activity').toBeDefined()
      const { rows } = await blocker.query<{ ok: boolean }>('SELECT pg_terminate_backend($1) AS ok', [pid])
      expect(rows[0]?.ok, 'pg_terminate_backend').toBe(true)
      const error = await outcome
      expect(error, `the killed debit's outcome: ${String(error)}`).toBeInstanceOf(StoreUnavailableError)
      expect((error as Error).message).not.toMatch(/select|debit\(/i)
      await blocker.query('ROLLBACK')
    })

    expect((await ledger.balance(account)).available).toBe(100)
    const retry = await ledger.debit({ account, amount: 40, reason: 'x', idempotencyKey: `${account}:debit` })
    expect(retry).toMatchObject({ ok: true, replayed: false, available: 60 })
    const again = await ledger.debit({ account, amount: 40, reason: 'x', idempotencyKey: `${account}:debit` })
    expect(again).toMatchObject({ ok: true, replayed: true, available: 60 })
    expect((await ledger.verify(account)).problems).toEqual([])
  })

  it('balance and history do not wait for a busy account when nothing is due to expire', async () => {
    const t = pools[2] as PgTestDb
    const { ledger } = storesFor(t)
    const account = uniqueName('busy')
    await ledger.grant({ account, amount: 50, source: 'a', idempotencyKey: `${account}:grant` })
    await withClient(databaseUrl(), async (blocker) => {
      await blocker.query('BEGIN')
      await blocker.query(`SELECT 1 FROM "${schema}".accounts WHERE account = $1 FOR UPDATE`, [account])
      const reads = Promise.all([ledger.balance(account), ledger.history(account)])
      const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), 3000))
      const first = await Promise.race([reads, timeout])
      await blocker.query('ROLLBACK')
      expect(first, 'reads finished while the account row was locked').not.toBe('timeout')
      const [balance, history] = await reads
      expect(balance.available).toBe(50)
      expect(history.entries).toHaveLength(1)
    })
  })

  it('backends killed during a burst of keyed debits: retries with the same keys charge each exactly once', async () => {
    const t = pools[1] as PgTestDb
    const { ledger } = storesFor(t)
    const account = uniqueName('burst')
    await ledger.grant({ account, amount: 10_000, source: 'a', idempotencyKey: `${account}:grant` })
    const keys = Array.from({ length: 150 }, (_, i) => `${account}:d${i}`)
    const debit = (key: string) => ledger.debit({ account, amount: 7, reason: 'burst', idempotencyKey: key })

    let killing = true
    const killer = (async () => {
      let killed = 0
      while (killing) {
        const { rows } = await withClient(databaseUrl(), (c) =>
          c.query<{ n: number }>(
            `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
             WHERE query LIKE $1 AND state = 'active' AND pid <> pg_backend_pid()`,
            [`%"${schema}".debit(%`],
          ),
        )
        killed += rows[0]?.n ?? 0
        await new Promise((r) => setTimeout(r, 5))
      }
      return killed
    })()
    const first = await Promise.allSettled(keys.map(debit))
    killing = false
    const killed = await killer
    const failed = first.filter((r) => r.status === 'rejected').length
    console.log(`killed ${killed} backends; ${failed} of ${keys.length} debits failed and were retried`)
    for (const r of first) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(StoreUnavailableError)

    // A kill can land just after a query finished, so a connection back in the pool may still be
    // about to die: retry like an app would, with the same key, until the store answers.
    const retry = async (key: string) => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await debit(key)
        } catch (e) {
          if (!(e instanceof StoreUnavailableError) || attempt >= 5) throw e
        }
      }
    }
    const retried = await Promise.all(keys.map(retry))
    for (const r of retried) expect(r.ok).toBe(true)
    const balance = await ledger.balance(account)
    expect(balance.available).toBe(10_000 - 7 * keys.length)
    expect((await ledger.verify(account)).problems).toEqual([])
  })
})
