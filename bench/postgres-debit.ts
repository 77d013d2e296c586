// Debits per second of @metered/postgres with 16 connections, on 16 distinct accounts and on
// one hot account, against references on the same server in the same run:
//   - pgbench's ceiling for a debit that records its entry in one statement (a conditional
//     UPDATE of a balance row and an INSERT of its entry: two rows, what a ledger must write,
//     sent by a C client that does nothing else), and for the UPDATE alone;
//   - a hand-rolled debit in JS: BEGIN / SELECT ... FOR UPDATE / UPDATE / INSERT / COMMIT,
//     five round trips, the way a debit is usually written in application code.
// Three more rows split the gap to pgbench: pgbench calling metered's debit function itself
// (the server-side cost, no Node.js), the one-statement debit sent by Node.js through the same
// pool (what any Node.js client reaches), and `SELECT 1` through that pool.
//
//   pnpm --filter @metered/bench postgres-debit          (starts its own PostgreSQL)
//   DATABASE_URL=postgres://... pnpm --filter @metered/bench postgres-debit
//   BENCH_SECONDS=10 (per measurement), BENCH_CONNECTIONS=16
//   PGBOUNCER_URL=postgres://... adds ledger.debit through that pooler (transaction mode) to the rows

import { createPostgresStores, migrate } from '@metered/postgres'
import { type PostgresServer, spawnPostgresServer } from '@metered/tooling'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { pgbench } from './pgbench.js'
import { check, writeResult } from './result.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16)
const WARMUP_MS = 1000
const BIG = 1_000_000_000_000 // never runs out: every debit is admitted, the same work each time

type Debit = (worker: number) => Promise<unknown>

/** `CONNECTIONS` workers, each calling `debit` back to back; returns debits per second. */
async function measure(debit: Debit): Promise<number> {
  const run = async (ms: number) => {
    let done = 0
    const end = performance.now() + ms
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async (_, worker) => {
        while (performance.now() < end) {
          await debit(worker)
          done++
        }
      }),
    )
    return done
  }
  await run(WARMUP_MS)
  const start = performance.now()
  const done = await run(SECONDS * 1000)
  return done / ((performance.now() - start) / 1000)
}

/** pgbench on `script` for a second, then for SECONDS: runs per second. */
function pgbenchWarm(url: string, script: string): number {
  pgbench(url, script, 1, CONNECTIONS)
  return pgbench(url, script, SECONDS, CONNECTIONS)
}

async function main() {
  const server: PostgresServer | undefined = process.env.DATABASE_URL
    ? undefined
    : await spawnPostgresServer({ maxConnections: 200 })
  const url = process.env.DATABASE_URL ?? (server as PostgresServer).url
  const pool = new pg.Pool({ connectionString: url, max: CONNECTIONS })
  pool.on('connect', (client) => client.on('error', () => {}))
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) })
  const schema = `bench_${process.pid}`
  try {
    await migrate(db, { schema })
    const { ledger } = createPostgresStores(db, { schema })
    const distinct = (w: number) => `${schema}:acct:${w}`
    const hot = `${schema}:hot`
    for (let w = 0; w < CONNECTIONS; w++) {
      await ledger.grant({ account: distinct(w), amount: BIG, source: 'bench', idempotencyKey: distinct(w) })
    }
    await ledger.grant({ account: hot, amount: BIG, source: 'bench', idempotencyKey: hot })

    // References: one balance row per account, and an entries table for the hand-rolled debit.
    await pool.query(`CREATE TABLE ${schema}.ref_balances (id int PRIMARY KEY, balance bigint NOT NULL)`)
    await pool.query(
      `CREATE TABLE ${schema}.ref_entries (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, account int NOT NULL,
        amount bigint NOT NULL, reason text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
    )
    // indexed like metered's entries, so the reference writes what a ledger's history needs
    await pool.query(`CREATE INDEX ON ${schema}.ref_entries (account, id DESC)`)
    await pool.query(
      `INSERT INTO ${schema}.ref_balances SELECT g, ${BIG} FROM generate_series(1, ${CONNECTIONS + 1}) g`,
    )

    // One client per worker for the hand-rolled transaction, as an app holding a connection
    // for the length of its transaction would.
    const clients = await Promise.all(Array.from({ length: CONNECTIONS }, () => pool.connect()))
    const handRolled = (id: (w: number) => number) => async (w: number) => {
      const c = clients[w] as pg.PoolClient
      await c.query('BEGIN')
      const { rows } = await c.query<{ balance: string }>(
        `SELECT balance FROM ${schema}.ref_balances WHERE id = $1 FOR UPDATE`,
        [id(w)],
      )
      if (Number(rows[0]?.balance) >= 1) {
        await c.query(`UPDATE ${schema}.ref_balances SET balance = balance - 1 WHERE id = $1`, [id(w)])
        await c.query(`INSERT INTO ${schema}.ref_entries (account, amount, reason) VALUES ($1, -1, 'bench')`, [id(w)])
      }
      await c.query('COMMIT')
    }
    const hand = { distinct: await measure(handRolled((w) => w + 2)), hot: await measure(handRolled(() => 1)) }
    for (const c of clients) c.release()

    // every debit must be admitted and counted: the balances are checked against the count below
    const counted = new Map<string, number>()
    const debitOf = (l: typeof ledger, account: string) => async () => {
      const r = await l.debit({ account, amount: 1, reason: 'bench' })
      check(r.ok, `debit on ${account} refused: ${JSON.stringify(r)}`)
      counted.set(account, (counted.get(account) ?? 0) + 1)
    }
    const metered = {
      distinct: await measure((w) => debitOf(ledger, distinct(w))()),
      hot: await measure(debitOf(ledger, hot)),
    }
    let pooled: { distinct: number; hot: number } | undefined
    if (process.env.PGBOUNCER_URL) {
      const bouncerPool = new pg.Pool({ connectionString: process.env.PGBOUNCER_URL, max: CONNECTIONS })
      bouncerPool.on('connect', (client) => client.on('error', () => {}))
      const bouncerDb = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: bouncerPool }) })
      try {
        const viaBouncer = createPostgresStores(bouncerDb, { schema }).ledger
        pooled = {
          distinct: await measure((w) => debitOf(viaBouncer, distinct(w))()),
          hot: await measure(debitOf(viaBouncer, hot)),
        }
      } finally {
        await bouncerDb.destroy()
      }
    }
    for (const [account, n] of counted) {
      const b = await ledger.balance(account)
      check(b.available === BIG - n, `${account}: ${n} debits of 1 left ${b.available} of ${BIG}`)
    }

    const update = (id: string) =>
      `UPDATE ${schema}.ref_balances SET balance = balance - 1 WHERE id = ${id} AND balance >= 1;\n`
    const ceiling = {
      distinct: pgbenchWarm(url, `\\set aid :client_id + 2\n${update(':aid')}`),
      hot: pgbenchWarm(url, update('1')),
    }

    // The ceiling: a debit that records its entry, in one statement (two rows written).
    const debitEntry = (id: string) =>
      `WITH a AS (UPDATE ${schema}.ref_balances SET balance = balance - 1 WHERE id = ${id} AND balance >= 1 RETURNING id)
        INSERT INTO ${schema}.ref_entries (account, amount, reason) SELECT id, -1, 'bench' FROM a`
    const twoRows = {
      distinct: pgbenchWarm(url, `\\set aid :client_id + 2\n${debitEntry(':aid')};\n`),
      hot: pgbenchWarm(url, `${debitEntry('1')};\n`),
    }
    // The same statement sent by Node.js through the same pool: what any Node.js client can reach.
    const nodeTwoRows = {
      distinct: await measure((w) => pool.query(debitEntry('$1'), [w + 2])),
      hot: await measure(() => pool.query(debitEntry('$1'), [1])),
    }

    const fn = (account: string) => `SELECT "${schema}".debit(${account}, 1, 'bench', NULL, NULL, NULL, NULL);\n`
    const server = {
      distinct: pgbenchWarm(url, fn(`'${schema}:acct:' || :client_id`)),
      hot: pgbenchWarm(url, fn(`'${hot}'`)),
    }
    const clientCeiling = await measure(() => sql`SELECT 1`.execute(db))

    const f = (n: number) => n.toFixed(0).padStart(10)
    const r = (n: number) => n.toFixed(2).padStart(10)
    const { rows } = await pool.query<{ v: string }>('SELECT current_setting($1) AS v', ['server_version'])
    console.log(
      `\n@metered/postgres debit, ${CONNECTIONS} connections, ${SECONDS} s per measurement, PostgreSQL ${rows[0]?.v}\n`,
    )
    console.log(`${''.padEnd(44)}${'distinct'.padStart(10)}${'hot'.padStart(10)}   (debits/s)`)
    console.log(`${'pgbench: one conditional UPDATE'.padEnd(44)}${f(ceiling.distinct)}${f(ceiling.hot)}`)
    console.log(`${'pgbench: one-statement debit + entry'.padEnd(44)}${f(twoRows.distinct)}${f(twoRows.hot)}`)
    console.log(`${'pgbench: SELECT metered debit function'.padEnd(44)}${f(server.distinct)}${f(server.hot)}`)
    console.log(`${'Node.js: one-statement debit + entry'.padEnd(44)}${f(nodeTwoRows.distinct)}${f(nodeTwoRows.hot)}`)
    console.log(`${'Node.js: SELECT 1 through the same pool'.padEnd(44)}${f(clientCeiling)}${f(clientCeiling)}`)
    console.log(`${'hand-rolled JS transaction (5 round trips)'.padEnd(44)}${f(hand.distinct)}${f(hand.hot)}`)
    console.log(`${'metered ledger.debit (1 round trip)'.padEnd(44)}${f(metered.distinct)}${f(metered.hot)}`)
    if (pooled)
      console.log(`${'metered ledger.debit through PgBouncer'.padEnd(44)}${f(pooled.distinct)}${f(pooled.hot)}`)
    console.log(
      `${'metered / pgbench debit + entry'.padEnd(44)}${r(metered.distinct / twoRows.distinct)}${r(metered.hot / twoRows.hot)}`,
    )
    console.log(
      `${'metered / Node.js debit + entry'.padEnd(44)}${r(metered.distinct / nodeTwoRows.distinct)}${r(metered.hot / nodeTwoRows.hot)}`,
    )
    console.log(
      `${'metered / hand-rolled'.padEnd(44)}${r(metered.distinct / hand.distinct)}${r(metered.hot / hand.hot)}`,
    )
    console.log(
      `${'server side: debit function / UPDATE'.padEnd(44)}${r(server.distinct / ceiling.distinct)}${r(server.hot / ceiling.hot)}`,
    )
    console.log(
      `${'client side: metered / SELECT 1'.padEnd(44)}${r(metered.distinct / clientCeiling)}${r(metered.hot / clientCeiling)}`,
    )
    for (const account of [hot, distinct(0)]) {
      const verified = await ledger.verify(account)
      check(verified.ok, `${account} does not verify: ${verified.problems.join('; ')}`)
    }
    writeResult({
      connections: CONNECTIONS,
      seconds: SECONDS,
      postgres: rows[0]?.v,
      perSecond: {
        pgbenchUpdate: ceiling,
        pgbenchDebitEntry: twoRows,
        nodeDebitEntry: nodeTwoRows,
        pgbenchFunction: server,
        select1: clientCeiling,
        handRolled: hand,
        metered,
        pooled,
      },
    })
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {})
    await db.destroy()
    await server?.destroy()
  }
}

await main()
