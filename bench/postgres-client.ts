// Where a Postgres debit spends this Node.js process's CPU: the same debit sent through each
// layer, 16 in flight on 16 accounts, interleaved over rounds, as debits per second and client
// CPU µs per debit (CPU time does not move with the machine's load the way rates do):
//   pg        metered's debit function through pg's pool.query (what any client must send)
//   kysely    the same text and parameters through kysely's executeQuery (the store's handle)
//   metered   ledger.debit (core's check of the input, then the driver's call through kysely)
// plus the one-statement debit + entry of the pgbench ceiling, through pool.query.
//
//   pnpm --filter @metered/bench postgres-client     (starts its own PostgreSQL)
//   BENCH_SECONDS=2 BENCH_ROUNDS=3 to change the length of each measurement and the rounds

import { createPostgresStores, migrate } from '@metered/postgres'
import { spawnPostgresServer } from '@metered/tooling'
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { classifyClient, cpuShares } from './cpu-profile.js'
import { check, writeResult } from './result.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const CONNECTIONS = 16
const BIG = 1_000_000_000_000

async function main(): Promise<void> {
  const server = await spawnPostgresServer()
  const pool = new pg.Pool({ connectionString: server.url, max: CONNECTIONS })
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) })
  try {
    await migrate(db, { schema: 'b' })
    const { ledger } = createPostgresStores(db, { schema: 'b' })
    const account = (w: number) => `acct:${w}`
    for (let w = 0; w < CONNECTIONS; w++) {
      await ledger.grant({ account: account(w), amount: BIG, source: 'bench', idempotencyKey: account(w) })
    }
    await pool.query('CREATE TABLE b.ref_balances (id int PRIMARY KEY, balance bigint NOT NULL)')
    await pool.query(
      `CREATE TABLE b.ref_entries (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, account int NOT NULL,
        amount bigint NOT NULL, reason text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
    )
    await pool.query('CREATE INDEX ON b.ref_entries (account, id DESC)')
    await pool.query(`INSERT INTO b.ref_balances SELECT g, ${BIG} FROM generate_series(0, ${CONNECTIONS}) g`)

    const fn = 'SELECT "b".debit($1::text, $2::bigint, $3::text, $4::text, $5::text, $6::jsonb, $7::bigint) AS r'
    const args = (w: number) => [account(w), 1, 'bench', null, null, null, null]
    const twoRows = `WITH a AS (UPDATE b.ref_balances SET balance = balance - 1 WHERE id = $1 AND balance >= 1 RETURNING id)
      INSERT INTO b.ref_entries (account, amount, reason) SELECT id, -1, 'bench' FROM a`
    const paths: Array<[string, (w: number) => Promise<unknown>]> = [
      ['one-statement debit + entry, pool.query', (w) => pool.query(twoRows, [w])],
      ['debit function, pool.query', (w) => pool.query(fn, args(w))],
      ['debit function, kysely executeQuery', (w) => db.executeQuery(CompiledQuery.raw(fn, args(w)))],
      [
        'ledger.debit',
        async (w) => {
          const r = await ledger.debit({ account: account(w), amount: 1, reason: 'bench' })
          check(r.ok, `debit refused: ${JSON.stringify(r)}`)
        },
      ],
    ]
    const run = async (call: (w: number) => Promise<unknown>, ms: number) => {
      let done = 0
      const end = performance.now() + ms
      const cpu0 = process.cpuUsage()
      await Promise.all(
        Array.from({ length: CONNECTIONS }, async (_, w) => {
          while (performance.now() < end) {
            await call(w)
            done++
          }
        }),
      )
      const cpu = process.cpuUsage(cpu0)
      return { perSecond: done / (ms / 1000), clientUs: (cpu.user + cpu.system) / done }
    }
    const samples = new Map<string, Array<{ perSecond: number; clientUs: number }>>()
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, call] of paths) {
        await run(call, 300)
        samples.set(name, [...(samples.get(name) ?? []), await run(call, SECONDS * 1000)])
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
    const rows = paths.map(([name]) => {
      const s = samples.get(name)!
      return { name, perSecond: median(s.map((x) => x.perSecond)), clientUs: median(s.map((x) => x.clientUs)) }
    })
    console.log(`\n${CONNECTIONS} in flight, ${SECONDS} s per measurement, medians of ${ROUNDS} rounds\n`)
    console.log(`${''.padEnd(44)}${'debits/s'.padStart(10)}${'client µs'.padStart(11)}`)
    for (const r of rows) {
      console.log(`${r.name.padEnd(44)}${r.perSecond.toFixed(0).padStart(10)}${r.clientUs.toFixed(1).padStart(11)}`)
    }
    // Where the client's CPU goes in `ledger.debit`, as shares of its busy samples (the machine's
    // speed moves between runs; the shares within one run do not).
    const debit = paths.find(([name]) => name === 'ledger.debit')![1]
    const profile = await cpuShares(() => run(debit, SECONDS * 1000).then(() => {}), classifyClient)
    console.log(`\nledger.debit, the client's busy CPU by part (V8 sampling profiler)\n`)
    for (const [part, share] of profile) console.log(`${part.padEnd(44)}${(share * 100).toFixed(1).padStart(6)} %`)
    const verified = await ledger.verify(account(0))
    check(verified.ok, `verify: ${verified.problems.join('; ')}`)
    writeResult({ connections: CONNECTIONS, seconds: SECONDS, rounds: ROUNDS, rows, profile })
  } finally {
    await db.destroy()
    await server.destroy()
  }
}

await main()
