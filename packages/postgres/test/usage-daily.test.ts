import { ALL_ACCOUNTS } from '@metered/core'
import { DAY_MS, HOUR_MS } from '@metered/core/adapter'
import { propertySeed } from '@metered/core/testing'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import type { Ctx } from '../src/call.js'
import { rawBuckets } from '../src/usage-stats.js'
import { backends, openPerTest } from './harness.js'

/** mulberry32: a small seeded generator, so a failing run can be replayed with its seed. */
function generator(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)] as T,
  }
}

const ACCOUNTS = ['a', 'b', 'c'] as const
const FEATURES = ['chat', 'image', 'Embed', 'é-tts'] as const
const START = Date.UTC(2026, 0, 1)
const SPAN_DAYS = 12

// Day-bucketed stats read whole days from the usage_daily rollup and the partial days at the
// edges from the events. The rollup is kept by triggers on usage_events; this proves both give
// exactly the raw query's numbers, after single inserts, bulk inserts, updates and deletes.
describe.each(backends)('postgres ($name): the daily usage rollup', (backend) => {
  const openFresh = openPerTest(backend)

  it('day-bucketed stats equal the raw aggregate on random data and random ranges', { timeout: 120_000 }, async () => {
    const seed = propertySeed()
    console.log(`usage rollup equality: seed ${seed} (rerun with FC_SEED=${seed})`)
    const r = generator(seed)
    const { db, schema, stores } = await openFresh()
    const s = sql.id(schema)
    const ctx: Ctx = { db, s: `"${schema}"`, clock: undefined, calls: new Map() }
    const at = () => START + r.int(SPAN_DAYS * DAY_MS)
    const event = () => ({
      account: r.pick(ACCOUNTS),
      feature: r.pick(FEATURES),
      amount: r.int(3) === 0 ? r.int(2 ** 40) : r.int(100),
      inputTokens: r.int(5000),
      cachedInputTokens: r.int(100),
      outputTokens: r.int(5000),
      quantity: r.int(3),
      status: r.int(5) === 0 ? ('error' as const) : ('ok' as const),
      at: at(),
    })

    // One event per statement through the store, then multi-row statements straight into the table.
    for (let i = 0; i < 150; i++) await stores.usage.record(event())
    for (let batch = 0; batch < 6; batch++) {
      const rows = Array.from({ length: 200 }, event)
      await sql`INSERT INTO ${s}.usage_events (account, feature, amount, input_tokens, cached_input_tokens,
          output_tokens, quantity, status, at)
        SELECT x.account, x.feature, x.amount, x."inputTokens", x."cachedInputTokens", x."outputTokens",
          x.quantity, x.status, ${s}._ts(x.at)
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(account text, feature text, amount bigint,
          "inputTokens" bigint, "cachedInputTokens" bigint, "outputTokens" bigint, quantity bigint, status text,
          at bigint)`.execute(db)
    }
    // Retention-like deletes and corrections: rows move between days, features and statuses.
    await sql`DELETE FROM ${s}.usage_events WHERE id % 7 = ${r.int(7)}`.execute(db)
    await sql`UPDATE ${s}.usage_events SET at = at + interval '13 hours', feature = 'chat', status = 'error'
      WHERE id % 11 = ${r.int(11)}`.execute(db)

    for (let i = 0; i < 80; i++) {
      // Ranges on and off day boundaries, shorter than a day, and past the data.
      const aligned = r.int(3) === 0
      const from = aligned ? START + (r.int(SPAN_DAYS + 2) - 1) * DAY_MS : at() - DAY_MS
      const to =
        from +
        (r.int(4) === 0
          ? 1 + r.int(DAY_MS)
          : aligned
            ? r.int(SPAN_DAYS) * DAY_MS + DAY_MS
            : r.int(SPAN_DAYS * DAY_MS) + 1)
      const account = r.int(4) === 0 ? ALL_ACCOUNTS : r.pick(ACCOUNTS)
      const byFeature = r.int(2) === 0
      const got = await stores.usage.stats(account, {
        from,
        to,
        bucket: 'day',
        ...(byFeature ? { by: 'feature' as const } : {}),
      })
      const raw = await rawBuckets(ctx, {
        account: typeof account === 'string' ? account : null,
        from,
        to,
        bucket: 'day',
        byFeature,
      })
      const shown = typeof account === 'string' ? account : 'ALL_ACCOUNTS'
      expect(got.buckets, `seed ${seed}, query ${JSON.stringify({ account: shown, from, to, byFeature })}`).toEqual(raw)
    }

    // The incrementally kept rollups are the ones a rebuild from the events computes (the migration's backfill).
    const rollup = async () => [
      (await sql`SELECT * FROM ${s}.usage_daily ORDER BY account, day, feature`.execute(db)).rows,
      (await sql`SELECT * FROM ${s}.usage_daily_all ORDER BY day, feature, stripe`.execute(db)).rows,
    ]
    const kept = await rollup()
    expect(kept[0]?.length).toBeGreaterThan(0)
    expect(kept[1]?.length).toBeGreaterThan(0)
    await sql`SELECT ${s}._usage_daily_rebuild()`.execute(db)
    expect(await rollup()).toEqual(kept)

    await sql`TRUNCATE ${s}.usage_events`.execute(db)
    expect(await rollup()).toEqual([[], []])
  })

  it('hour buckets and sub-day ranges still come from the events', async () => {
    const { stores } = await openFresh()
    const t = START + 5 * DAY_MS + 3 * HOUR_MS
    await stores.usage.record({ account: 'a', feature: 'chat', amount: 2, status: 'ok', at: t })
    await stores.usage.record({ account: 'a', feature: 'chat', amount: 3, status: 'error', at: t + HOUR_MS })
    const hours = await stores.usage.stats('a', { from: t - HOUR_MS, to: t + 2 * HOUR_MS, bucket: 'hour' })
    expect(hours.buckets.map((b) => [b.start, b.events, b.amount, b.errors])).toEqual([
      [t, 1, 2, 0],
      [t + HOUR_MS, 1, 3, 1],
    ])
    // A range inside one day: only the second event, bucketed at the start of its day.
    const day = await stores.usage.stats('a', { from: t + 1, to: t + 2 * HOUR_MS, bucket: 'day' })
    expect(day.buckets.map((b) => [b.start, b.events, b.amount])).toEqual([[START + 5 * DAY_MS, 1, 3]])
  })
})
