import { PGlite } from '@electric-sql/pglite'
import { Kysely, sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { pgliteDialect } from '../src/index.js'

// PGlite is a single connection: what a transaction has not committed must stay invisible to
// every other kysely call, which therefore waits for the transaction to end.
describe('pgliteDialect', () => {
  let db: Kysely<unknown> | undefined
  afterEach(async () => {
    await db?.destroy()
    db = undefined
  })

  it('runs a query from outside an open transaction after it, never inside it', async () => {
    db = new Kysely<unknown>({ dialect: pgliteDialect({ pglite: new PGlite() }) })
    await sql`create table t (n int)`.execute(db)
    let inserted!: () => void
    const insertedOnce = new Promise<void>((resolve) => {
      inserted = resolve
    })
    const rolledBack = db
      .transaction()
      .execute(async (trx) => {
        await sql`insert into t values (1)`.execute(trx)
        inserted()
        await new Promise((resolve) => setTimeout(resolve, 50))
        throw new Error('roll back')
      })
      .catch((error: Error) => error.message)
    await insertedOnce
    const seen = await sql<{ count: number }>`select count(*)::int as count from t`.execute(db)
    expect(await rolledBack).toBe('roll back')
    expect(seen.rows[0]?.count).toBe(0)
  })

  it('commits, reports affected rows and keeps the parameters typed', async () => {
    db = new Kysely<unknown>({ dialect: pgliteDialect({ pglite: new PGlite() }) })
    await sql`create table t (n int, s text)`.execute(db)
    await db.transaction().execute(async (trx) => {
      await sql`insert into t values (${1}, ${'a'}), (${2}, ${'b'})`.execute(trx)
    })
    const updated = await sql`update t set s = ${'c'} where n >= ${1}`.execute(db)
    expect(updated.numAffectedRows).toBe(2n)
    const rows = await sql<{ n: number; s: string }>`select n, s from t order by n`.execute(db)
    expect(rows.rows).toEqual([
      { n: 1, s: 'c' },
      { n: 2, s: 'c' },
    ])
  })

  it('opens a lazily given PGlite once, at the first query, not when the kysely is built', async () => {
    let opened = 0
    db = new Kysely<unknown>({
      dialect: pgliteDialect({
        pglite: async () => {
          opened++
          return new PGlite()
        },
      }),
    })
    expect(opened).toBe(0)
    const [a, b] = await Promise.all([sql`select 1 as one`.execute(db), sql`select 2 as two`.execute(db)])
    expect([a.rows, b.rows]).toEqual([[{ one: 1 }], [{ two: 2 }]])
    expect(opened).toBe(1)
  })
})
