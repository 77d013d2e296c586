// Holds per second of @metered/postgres's reserve function, server side (pgbench calling the
// plpgsql function, no Node.js in the way), with 16 connections on 16 distinct accounts and on
// one hot account, in three workloads:
//   - reserve alone: nothing is ever unallocated when a reserve locks the account;
//   - debit then reserve: every reserve finds the debit before it unallocated and takes those
//     units from the grants first (`_allocate`);
//   - debit alone, for reference.
// Then the work each takes, which load does not blur: index scans and row updates of the accounts
// table and plpgsql function calls per call, counted by PostgreSQL's statistics views.
// With AB_BEFORE set, a second schema is migrated by that build's @metered/postgres and every
// measurement alternates between the two builds, round by round, so load on a shared machine
// falls on both alike; the median of the rounds is printed.
//
//   node --import tsx bench/postgres-reserve.ts           (starts its own PostgreSQL)
//   AB_BEFORE=/path/to/other/checkout/packages node --import tsx bench/postgres-reserve.ts
//   DATABASE_URL=postgres://...  BENCH_SECONDS=5 (per measurement)  BENCH_ROUNDS=3  BENCH_CONNECTIONS=16

import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { createPostgresStores, migrate } from '@metered/postgres'
import { type PostgresServer, spawnPostgresServer } from '@metered/tooling'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { pgbench } from './pgbench.js'
import { check, writeResult } from './result.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16)
const BIG = 1_000_000_000_000 // never runs out: every call is admitted, the same work each time
const HOLD_TTL_MS = 3_600_000 // no hold expires during the run, so housekeeping never runs

const WORK_RUNS = 1000

/**
 * Index scans and row updates of `accounts`, and plpgsql function calls (all, and `_allocate`'s),
 * per run of `calls` (SQL expressions, called in order), counted over WORK_RUNS runs in one
 * transaction that is then rolled back. Function calls need `track_functions`, which only a
 * superuser may set: null without.
 */
async function workPerRun(url: string, schema: string, calls: string[]): Promise<Record<string, number | null>> {
  // A connection of its own: a backend's statistics views also show its earlier transactions'
  // counts until they are flushed, which would blur one workload into the next.
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query('BEGIN')
    const tracked = await client
      .query(`SET LOCAL track_functions = 'pl'`)
      .then(() => true)
      .catch(async () => {
        await client.query('ROLLBACK')
        await client.query('BEGIN')
        return false
      })
    await client.query(
      `DO $$ BEGIN FOR i IN 1..${WORK_RUNS} LOOP ${calls.map((c) => `PERFORM ${c};`).join(' ')} END LOOP; END $$`,
    )
    const table = await client.query<{ idx_scan: string; n_tup_upd: string }>(
      `SELECT idx_scan, n_tup_upd FROM pg_stat_xact_user_tables WHERE schemaname = $1 AND relname = 'accounts'`,
      [schema],
    )
    const fns = await client.query<{ all: string; allocate: string }>(
      `SELECT coalesce(sum(calls), 0) AS all, coalesce(sum(calls) FILTER (WHERE funcname = '_allocate'), 0) AS allocate
       FROM pg_stat_xact_user_functions WHERE schemaname = $1`,
      [schema],
    )
    const per = (v: string | undefined) => Number(v) / WORK_RUNS
    return {
      indexScans: per(table.rows[0]?.idx_scan),
      rowUpdates: per(table.rows[0]?.n_tup_upd),
      allocateCalls: tracked ? per(fns.rows[0]?.allocate) : null,
      functionCalls: tracked ? per(fns.rows[0]?.all) : null,
    }
  } finally {
    await client.query('ROLLBACK').catch(() => {})
    await client.end()
  }
}

type Migrate = typeof migrate
type Build = { name: string; schema: string; migrate: Migrate }

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2
    ? (s[(s.length - 1) / 2] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2
}

async function main() {
  const server: PostgresServer | undefined = process.env.DATABASE_URL
    ? undefined
    : await spawnPostgresServer({ maxConnections: 200 })
  const url = process.env.DATABASE_URL ?? (server as PostgresServer).url
  const pool = new pg.Pool({ connectionString: url, max: 4 })
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) })
  const builds: Build[] = [{ name: 'this build', schema: `bench_${process.pid}_b`, migrate }]
  if (process.env.AB_BEFORE) {
    const before = (await import(pathToFileURL(path.join(process.env.AB_BEFORE, 'postgres/dist/index.js')).href)) as {
      migrate: Migrate
    }
    builds.unshift({ name: 'AB_BEFORE', schema: `bench_${process.pid}_a`, migrate: before.migrate })
  }
  try {
    for (const b of builds) {
      await b.migrate(db, { schema: b.schema })
      // grants through this build's own functions, so each schema holds only what it wrote
      const { ledger } = createPostgresStores(db, { schema: b.schema })
      for (let w = 1; w <= CONNECTIONS; w++) {
        await ledger.grant({ account: `acct:${w}`, amount: BIG, source: 'bench', idempotencyKey: 'g' })
      }
      await ledger.grant({ account: 'hot', amount: BIG, source: 'bench', idempotencyKey: 'g' })
    }

    const account = { distinct: `'acct:' || :client_id + 1`, hot: `'hot'` }
    type Call = (s: string, a: string) => string
    const reserve: Call = (s, a) => `"${s}".reserve(${a}, 1, ${HOLD_TTL_MS}, 'bench', NULL, NULL, NULL, NULL)`
    const debit: Call = (s, a) => `"${s}".debit(${a}, 1, 'bench', NULL, NULL, NULL, NULL)`
    const workloads: Record<string, Call[]> = {
      'reserve alone': [reserve],
      'debit then reserve': [debit, reserve],
      'debit alone': [debit],
    }
    const script = (calls: Call[], s: string, a: string) => calls.map((c) => `SELECT ${c(s, a)};\n`).join('')

    // The work behind those figures, which load does not blur: WORK_RUNS runs of each workload on
    // one account in a transaction that is rolled back, counted by the statistics views.
    const work = new Map<string, Record<string, number | null>>()
    for (const b of builds) {
      for (const [workload, calls] of Object.entries(workloads)) {
        work.set(
          `${b.name}|${workload}`,
          await workPerRun(
            url,
            b.schema,
            calls.map((c) => c(b.schema, `'hot'`)),
          ),
        )
      }
    }

    for (const b of builds)
      for (const w of Object.values(workloads)) pgbench(url, script(w, b.schema, account.hot), 1, CONNECTIONS)

    const runs = new Map<string, number[]>()
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 ? [...builds].reverse() : builds
      for (const [workload, calls] of Object.entries(workloads)) {
        for (const [where, a] of Object.entries(account)) {
          for (const b of order) {
            const key = `${b.name}|${workload}|${where}`
            runs.set(key, [...(runs.get(key) ?? []), pgbench(url, script(calls, b.schema, a), SECONDS, CONNECTIONS)])
          }
        }
      }
    }

    for (const b of builds) {
      const { ledger } = createPostgresStores(db, { schema: b.schema })
      for (const a of ['hot', 'acct:1']) {
        const verified = await ledger.verify(a)
        check(verified.ok, `${b.name} ${a} does not verify: ${verified.problems.join('; ')}`)
      }
    }

    const { rows } = await pool.query<{ v: string }>('SELECT current_setting($1) AS v', ['server_version'])
    console.log(
      `\n@metered/postgres reserve, pgbench, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s, PostgreSQL ${rows[0]?.v}\n`,
    )
    console.log(`${''.padEnd(34)}${'distinct'.padStart(10)}${'hot'.padStart(10)}   (median calls of the script/s)`)
    const figures: Record<string, Record<string, number>> = {}
    for (const b of builds) {
      for (const workload of Object.keys(workloads)) {
        const d = median(runs.get(`${b.name}|${workload}|distinct`) ?? [])
        const h = median(runs.get(`${b.name}|${workload}|hot`) ?? [])
        figures[`${b.name}: ${workload}`] = { distinct: d, hot: h }
        const label = builds.length > 1 ? `${b.name}: ${workload}` : workload
        console.log(`${label.padEnd(34)}${d.toFixed(0).padStart(10)}${h.toFixed(0).padStart(10)}`)
      }
    }
    console.log(`\nper run of the script, ${WORK_RUNS} runs on one account in one transaction:\n`)
    const columns = ['accounts index scans', 'accounts row updates', '_allocate calls', 'plpgsql calls']
    console.log(`${''.padEnd(34)}${columns.map((c) => c.padStart(22)).join('')}`)
    for (const b of builds) {
      for (const workload of Object.keys(workloads)) {
        const w = work.get(`${b.name}|${workload}`) ?? {}
        const label = builds.length > 1 ? `${b.name}: ${workload}` : workload
        const cell = (v: number | null | undefined) => (v == null ? 'n/a' : v.toFixed(2)).padStart(22)
        console.log(
          `${label.padEnd(34)}${cell(w.indexScans)}${cell(w.rowUpdates)}${cell(w.allocateCalls)}${cell(w.functionCalls)}`,
        )
      }
    }
    writeResult({
      connections: CONNECTIONS,
      seconds: SECONDS,
      rounds: ROUNDS,
      postgres: rows[0]?.v,
      perSecond: figures,
      workPerRun: Object.fromEntries(work),
    })
  } finally {
    for (const b of builds) await pool.query(`DROP SCHEMA IF EXISTS "${b.schema}" CASCADE`).catch(() => {})
    await db.destroy()
    await server?.destroy()
  }
}

await main()
