// Growth on Postgres: do the dashboards stay fast when the tables are big? Seeds GROWTH_EVENTS
// usage events (default 10 million) over 1,000 accounts and 400 days, and GROWTH_ENTRIES ledger
// entries (default half as many), generated inside the database with generate_series, then times
// the reads the profile and admin pages make, through the real stores: the median of
// GROWTH_RUNS runs each, with an EXPLAIN (ANALYZE, BUFFERS) summary of any read slower than 20 ms.
// "raw" rows run the day-bucketed aggregate straight on usage_events (what stats did before the
// daily rollup), for comparison. Also the cost of the rollup's trigger on a single usage insert.
//
//   pnpm --filter @metered/bench growth                       (starts its own PostgreSQL)
//   GROWTH_EVENTS=200000 pnpm --filter @metered/bench growth  (a quick run)
//   DATABASE_URL=postgres://... pnpm --filter @metered/bench growth

import { ALL_ACCOUNTS, exportUsage } from '@metered/core'
import { createPostgresStores, migrate } from '@metered/postgres'
import { type PostgresServer, spawnPostgresServer } from '@metered/tooling'
import { type CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'

const EVENTS = Number(process.env.GROWTH_EVENTS ?? 10_000_000)
const ENTRIES = Number(process.env.GROWTH_ENTRIES ?? Math.floor(EVENTS / 2))
const RUNS = Number(process.env.GROWTH_RUNS ?? 15)
const ACCOUNTS = 1000
const DAYS = 400
const DAY_MS = 86_400_000
const BATCH = 1_000_000
const SLOW_MS = 20

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] as number
}
const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1))

async function main() {
  const server: PostgresServer | undefined = process.env.DATABASE_URL ? undefined : await spawnPostgresServer()
  const url = process.env.DATABASE_URL ?? (server as PostgresServer).url
  const pool = new pg.Pool({ connectionString: url, max: 4 })
  pool.on('connect', (client) => client.on('error', () => {}))
  // The last query each read ran, to EXPLAIN the slow ones with the same SQL and parameters.
  let last: CompiledQuery | undefined
  const db = new Kysely<unknown>({
    dialect: new PostgresDialect({ pool }),
    log: (e) => {
      if (e.level === 'query') last = e.query
    },
  })
  const schema = `growth_${process.pid}`
  const s = sql.id(schema)
  try {
    await migrate(db, { schema })
    const { usage, ledger } = createPostgresStores(db, { schema })
    const now = Math.floor(Date.now() / DAY_MS) * DAY_MS + 13 * 3_600_000 // mid-afternoon UTC: partial edge days
    const t0 = now - DAYS * DAY_MS

    // ---- seed, in the database, in batches of BATCH rows (each one statement: one trigger run)
    console.log(`seeding ${EVENTS.toLocaleString()} usage events and ${ENTRIES.toLocaleString()} entries ...`)
    let started = performance.now()
    for (let lo = 1; lo <= EVENTS; lo += BATCH) {
      const hi = Math.min(EVENTS, lo + BATCH - 1)
      // Events arrive in time order (as they do in production); accounts and features interleave.
      await sql`INSERT INTO ${s}.usage_events (account, user_id, feature, amount, model, input_tokens,
          cached_input_tokens, output_tokens, quantity, status, latency_ms, at)
        SELECT 'acct-' || (hashint % ${ACCOUNTS}), 'user-' || (hashint % ${ACCOUNTS * 3}),
          (ARRAY['chat', 'summarize', 'image', 'embed'])[1 + (hashint / 7) % 4],
          1 + hashint % 500, 'gpt-5-mini', hashint % 4000, hashint % 300, hashint % 1500, 0,
          CASE WHEN hashint % 20 = 0 THEN 'error' ELSE 'ok' END, 200 + hashint % 3000,
          to_timestamp(${t0 / 1000}::float8 + i * (${(DAYS * DAY_MS) / 1000}::float8 / ${EVENTS}))
        FROM (SELECT i, abs(hashint4(i::int))::bigint AS hashint FROM generate_series(${lo}::bigint, ${hi}::bigint) i) g`.execute(
        db,
      )
      process.stdout.write(`  events ${hi.toLocaleString()} (${((performance.now() - started) / 1000).toFixed(0)} s)\n`)
    }
    const eventsSeconds = (performance.now() - started) / 1000
    started = performance.now()
    for (let lo = 1; lo <= ENTRIES; lo += BATCH) {
      const hi = Math.min(ENTRIES, lo + BATCH - 1)
      await sql`INSERT INTO ${s}.entries (account, type, amount, grant_id, reason, created_at)
        SELECT 'acct-' || (hashint % ${ACCOUNTS}),
          CASE WHEN hashint % 10 = 0 THEN 'grant' ELSE 'debit' END,
          CASE WHEN hashint % 10 = 0 THEN 10000 ELSE -(1 + hashint % 500) END, 1, 'gen',
          to_timestamp(${t0 / 1000}::float8 + i * (${(DAYS * DAY_MS) / 1000}::float8 / ${Math.max(ENTRIES, 1)}))
        FROM (SELECT i, abs(hashint4(i::int))::bigint AS hashint FROM generate_series(${lo}::bigint, ${hi}::bigint) i) g`.execute(
        db,
      )
    }
    const entriesSeconds = (performance.now() - started) / 1000
    started = performance.now()
    await sql`VACUUM ANALYZE ${s}.usage_events`.execute(db)
    await sql`VACUUM ANALYZE ${s}.usage_daily`.execute(db)
    await sql`VACUUM ANALYZE ${s}.entries`.execute(db)
    const vacuumSeconds = (performance.now() - started) / 1000
    console.log(
      `seeded: events ${eventsSeconds.toFixed(0)} s (rollup kept by its trigger), entries ${entriesSeconds.toFixed(0)} s, VACUUM ANALYZE ${vacuumSeconds.toFixed(0)} s`,
    )
    const sizes = await sql<{ name: string; rows: string; size: string }>`
      SELECT c.relname AS name, c.reltuples::bigint::text AS rows, pg_size_pretty(pg_total_relation_size(c.oid)) AS size
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ${schema} AND c.relname IN ('usage_events', 'usage_daily', 'usage_daily_all', 'entries') ORDER BY 1`.execute(
      db,
    )
    console.table(sizes.rows)

    // ---- reads
    const account = 'acct-42'
    const from90 = now - 90 * DAY_MS
    const rows: { read: string; 'median ms': string; 'min ms': string; result: string }[] = []
    const plans: string[] = []
    const time = async (read: string, fn: () => Promise<string>) => {
      let result = ''
      const ms: number[] = []
      for (let i = 0; i < RUNS; i++) {
        const t = performance.now()
        result = await fn()
        ms.push(performance.now() - t)
      }
      const m = median(ms)
      rows.push({ read, 'median ms': fmt(m), 'min ms': fmt(Math.min(...ms)), result })
      if (m > SLOW_MS && last) {
        const plan = await db.executeQuery<Record<string, string>>({
          ...last,
          sql: `EXPLAIN (ANALYZE, BUFFERS) ${last.sql}`,
        } as CompiledQuery)
        const lines = plan.rows.map((r) => Object.values(r)[0] as string)
        // The root, each scan (where the time goes), and the totals.
        const scans = lines.slice(1).filter((l) => /Scan on|Scan using/.test(l))
        plans.push(`${read}:\n  ${[lines[0], ...scans, ...lines.slice(-2)].join('\n  ')}`)
      }
    }
    // The stats query of 0.1, before the rollup: every event of the range grouped by day, the
    // same buckets built as JSON and returned.
    const rawDaily = (a: string | null) =>
      sql<{
        r: unknown
      }>`SELECT jsonb_build_object('start', ${s}._ms(b.start), 'feature', b.feature, 'events', b.events,
            'amount', b.amount, 'inputTokens', b.input_tokens, 'cachedInputTokens', b.cached_input_tokens,
            'outputTokens', b.output_tokens, 'quantity', b.quantity, 'errors', b.errors) AS r
        FROM (
          SELECT date_trunc('day', e.at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS start, NULL::text AS feature,
            count(*) AS events, sum(e.amount)::bigint AS amount, sum(e.input_tokens)::bigint AS input_tokens,
            sum(e.cached_input_tokens)::bigint AS cached_input_tokens, sum(e.output_tokens)::bigint AS output_tokens,
            sum(e.quantity)::bigint AS quantity, count(*) FILTER (WHERE e.status = 'error') AS errors
          FROM ${s}.usage_events e
          WHERE (${a}::text IS NULL OR e.account = ${a}::text)
            AND e.at >= ${s}._ts(${from90}::bigint) AND e.at < ${s}._ts(${now}::bigint)
          GROUP BY 1, 2
        ) b ORDER BY b.start`.execute(db)

    let userEvents = 0
    await time('profile: one account, 90 days by day', async () => {
      const st = await usage.stats(account, { from: from90, to: now, bucket: 'day' })
      userEvents = st.totals.events
      return `${st.buckets.length} buckets, ${st.totals.events} events`
    })
    await time('profile: one account, 90 days by day and feature', async () => {
      const st = await usage.stats(account, { from: from90, to: now, bucket: 'day', by: 'feature' })
      return `${st.buckets.length} buckets`
    })
    await time(
      'profile: raw aggregate of the same (no rollup)',
      async () => `${(await rawDaily(account)).rows.length} buckets`,
    )
    await time('profile: one account, 400 days by day', async () => {
      const st = await usage.stats(account, { from: now - 400 * DAY_MS, to: now, bucket: 'day' })
      return `${st.buckets.length} buckets`
    })
    await time('profile: one account, 7 days by hour (events)', async () => {
      const st = await usage.stats(account, { from: now - 7 * DAY_MS, to: now, bucket: 'hour' })
      return `${st.buckets.length} buckets`
    })
    let allEvents = 0
    await time('admin: all accounts, 90 days by day', async () => {
      const st = await usage.stats(ALL_ACCOUNTS, { from: from90, to: now, bucket: 'day' })
      allEvents = st.totals.events
      return `${st.buckets.length} buckets, ${st.totals.events} events`
    })
    await time(
      'admin: raw aggregate of the same (no rollup)',
      async () => `${(await rawDaily(null)).rows.length} buckets`,
    )

    // Correctness: the rollup's totals are the raw count's.
    const rawCount = async (a: string | null) =>
      Number(
        (
          await sql<{ n: string }>`SELECT count(*)::text AS n FROM ${s}.usage_events e
            WHERE (${a}::text IS NULL OR e.account = ${a}::text)
              AND e.at >= to_timestamp(${from90 / 1000}::float8) AND e.at < to_timestamp(${now / 1000}::float8)`.execute(
            db,
          )
        ).rows[0]?.n,
      )
    if (userEvents !== (await rawCount(account)) || allEvents !== (await rawCount(null))) {
      throw new Error(`rollup totals differ from the raw count: ${userEvents}/${allEvents}`)
    }

    // History: the newest page, and a page deep in the account's past (keyset: `before` an id).
    const deepCursor = await (async () => {
      let cursor: string | null = null
      const pages = Math.min(100, Math.floor(ENTRIES / ACCOUNTS / 50) - 1)
      for (let i = 0; i < pages; i++) cursor = (await ledger.history(account, { cursor, limit: 50 })).nextCursor
      return { cursor, pages }
    })()
    await time(
      'history: newest page (50)',
      async () => `${(await ledger.history(account, { limit: 50 })).entries.length} entries`,
    )
    await time(`history: page ${deepCursor.pages + 1} (50)`, async () => {
      const page = await ledger.history(account, { cursor: deepCursor.cursor, limit: 50 })
      return `${page.entries.length} entries`
    })
    await time('history: newest 50 grants (a rarer type)', async () => {
      const page = await ledger.history(account, { limit: 50, types: ['grant'] })
      return `${page.entries.length} entries`
    })

    // Usage list: the first page of the last 30 days, and one 20 pages in.
    const listQuery = { account, from: now - 30 * DAY_MS, to: now, limit: 100 }
    let listCursor: string | null = null
    for (let i = 0; i < 20 && (i === 0 || listCursor); i++) {
      listCursor = (await usage.list({ ...listQuery, ...(listCursor ? { cursor: listCursor } : {}) })).nextCursor
    }
    await time('usage list: first page (100)', async () => `${(await usage.list(listQuery)).events.length} events`)
    await time('usage list: a later page (100)', async () => {
      const page = await usage.list({ ...listQuery, ...(listCursor ? { cursor: listCursor } : {}) })
      return `${page.events.length} events`
    })
    await time('admin usage list: all accounts, first page (100)', async () => {
      return `${(await usage.list({ ...listQuery, account: ALL_ACCOUNTS })).events.length} events`
    })
    await time('export: one account, 30 days, CSV', async () => {
      const stream = exportUsage(usage, { account, from: now - 30 * DAY_MS, to: now, format: 'csv' })
      let bytes = 0
      for await (const chunk of stream) bytes += chunk.byteLength
      return `${(bytes / 1024).toFixed(0)} kB`
    })

    // The rollup's cost on the write path: one usage insert with and without its trigger.
    const insertMs = async () => {
      const ms: number[] = []
      for (let i = 0; i < 500; i++) {
        const t = performance.now()
        await usage.record({ account: `acct-${i % ACCOUNTS}`, feature: 'chat', amount: 3, status: 'ok' })
        ms.push(performance.now() - t)
      }
      return median(ms)
    }
    await insertMs() // warm-up
    const withTrigger = await insertMs()
    await sql`ALTER TABLE ${s}.usage_events DISABLE TRIGGER usage_daily_insert`.execute(db)
    const withoutTrigger = await insertMs()
    await sql`ALTER TABLE ${s}.usage_events ENABLE TRIGGER usage_daily_insert`.execute(db)

    console.log(
      `\nreads, median of ${RUNS} runs (1,000 accounts, ${EVENTS.toLocaleString()} events over ${DAYS} days, ${ENTRIES.toLocaleString()} entries):`,
    )
    console.table(rows)
    console.log(
      `usage.record, median of 500: ${fmt(withTrigger)} ms with the rollup trigger, ${fmt(withoutTrigger)} ms without`,
    )
    if (plans.length > 0)
      console.log(`\nEXPLAIN (ANALYZE, BUFFERS) of the reads over ${SLOW_MS} ms:\n${plans.join('\n\n')}`)
  } finally {
    await sql`DROP SCHEMA ${s} CASCADE`.execute(db).catch(() => {})
    await db.destroy()
    await server?.destroy()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
