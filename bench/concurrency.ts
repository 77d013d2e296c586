// Throughput against concurrency for the two hot paths, for the chart in docs/benchmarks.md:
//   limiter  `limit()` through createLimiter, one fixed-window rule, Redis over TCP (ioredis)
//   ledger   `ledger.debit` of @metered/postgres, one account per worker, and all workers on one
//            hot account
// Each point runs `c` workers back to back for BENCH_POINT_MS; every call must be admitted, and
// each debited account's balance must have dropped by exactly its count of debits.
//
//   pnpm --filter @metered/bench concurrency     (starts its own PostgreSQL and redis-server)
//   DATABASE_URL=... REDIS_URL=... BENCH_POINT_MS=3000 BENCH_LEVELS=1,2,4,8,16,32,64

import { createLimiter, fixedWindow } from '@metered/core'
import { createPostgresStores, migrate } from '@metered/postgres'
import { createRedisStores, fromIoredis } from '@metered/redis'
import { spawnPostgresServer, spawnRedisServer } from '@metered/tooling'
import { Redis as IoRedis } from 'ioredis'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { check, writeResult } from './result.js'

const POINT_MS = Number(process.env.BENCH_POINT_MS ?? 3000)
const LEVELS = (process.env.BENCH_LEVELS ?? '1,2,4,8,16,32,64').split(',').map(Number)
const MAX = Math.max(...LEVELS)
const BIG = 1_000_000_000_000

/** Calls per second with `workers` callers back to back for `ms` (after a short warm-up). */
async function rate(workers: number, ms: number, call: (worker: number) => Promise<void>): Promise<number> {
  const run = async (length: number) => {
    let done = 0
    const end = performance.now() + length
    await Promise.all(
      Array.from({ length: workers }, async (_, w) => {
        while (performance.now() < end) {
          await call(w)
          done++
        }
      }),
    )
    return done
  }
  await run(Math.min(300, ms / 4))
  const start = performance.now()
  const done = await run(ms)
  return done / ((performance.now() - start) / 1000)
}

async function main() {
  const redisServer = process.env.REDIS_URL ? undefined : await spawnRedisServer()
  const pgServer = process.env.DATABASE_URL ? undefined : await spawnPostgresServer({ maxConnections: MAX + 20 })
  const io = new IoRedis(process.env.REDIS_URL ?? redisServer!.url)
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL ?? pgServer!.url, max: MAX })
  pool.on('connect', (client) => client.on('error', () => {}))
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) })
  const schema = `bench_conc_${process.pid}`
  try {
    const limiter = createLimiter({
      store: createRedisStores(fromIoredis(io), { prefix: `bench-conc-${process.pid}:` }).limiterStore,
      rules: { m: fixedWindow({ limit: BIG, window: '1 h' }) },
      timeout: '10 s',
    })
    await migrate(db, { schema })
    const { ledger } = createPostgresStores(db, { schema })
    const account = (w: number) => `${schema}:a${w}`
    const hot = `${schema}:hot`
    for (let w = 0; w < MAX; w++)
      await ledger.grant({ account: account(w), amount: BIG, source: 'bench', idempotencyKey: 'fund' })
    await ledger.grant({ account: hot, amount: BIG, source: 'bench', idempotencyKey: 'fund' })
    const debits = new Map<string, number>()
    const debit = async (target: string) => {
      const r = await ledger.debit({ account: target, amount: 1, reason: 'bench' })
      check(r.ok, `debit on ${target} refused`)
      debits.set(target, (debits.get(target) ?? 0) + 1)
    }

    const points: Array<{ concurrency: number; limiter: number; ledger: number; ledgerHot: number }> = []
    for (const c of LEVELS) {
      const limit = await rate(c, POINT_MS, async (w) => {
        const r = await limiter.limit(`user:${w}`)
        check(r.ok, `limit(user:${w}) refused under a limit of ${BIG}`)
      })
      const spread = await rate(c, POINT_MS, (w) => debit(account(w)))
      const one = await rate(c, POINT_MS, () => debit(hot))
      points.push({ concurrency: c, limiter: limit, ledger: spread, ledgerHot: one })
      console.log(
        `${String(c).padStart(3)} in flight: limit ${limit.toFixed(0).padStart(7)}/s  debit ${spread.toFixed(0).padStart(6)}/s  hot debit ${one.toFixed(0).padStart(6)}/s`,
      )
    }
    for (const [target, n] of debits) {
      const b = await ledger.balance(target)
      check(b.available === BIG - n, `${target}: ${n} debits of 1 left ${b.available} of ${BIG}`)
    }
    const verified = await ledger.verify(hot)
    check(verified.ok, `hot account does not verify: ${verified.problems.join('; ')}`)
    writeResult({ pointMs: POINT_MS, points })
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {})
    await db.destroy()
    io.disconnect()
    await pgServer?.destroy()
    await redisServer?.destroy()
  }
}

await main()
