import type { UsageBucket } from '@metered/core'
import { DAY_MS, type NormalizedUsageStatsQuery } from '@metered/core/adapter'
import { type RawBuilder, sql } from 'kysely'
import { arg, type Ctx, queryRows } from './call.js'

type StatsQuery = Pick<NormalizedUsageStatsQuery, 'account' | 'from' | 'to' | 'bucket' | 'byFeature'>

const bucketJson = (s: RawBuilder<unknown>) =>
  sql`jsonb_build_object('start', ${s}._ms(b.start), 'feature', b.feature, 'events', b.events,
    'amount', b.amount, 'inputTokens', b.input_tokens, 'cachedInputTokens', b.cached_input_tokens,
    'outputTokens', b.output_tokens, 'quantity', b.quantity, 'errors', b.errors) AS r`

/** Events of [from, to) aggregated per bucket (and feature) straight from `usage_events`. */
export function rawBuckets(ctx: Ctx, q: StatsQuery): Promise<UsageBucket[]> {
  const s = sql.raw(ctx.s)
  const a = q.account
  // date_trunc on the UTC wall time, then back to an instant: buckets aligned to UTC
  // whatever the session's TimeZone. Features sort by code point (COLLATE "C"), like JS.
  return queryRows<UsageBucket>(
    ctx,
    sql`SELECT ${bucketJson(s)}
      FROM (
        SELECT date_trunc(${arg(q.bucket, 'text')}, e.at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS start,
          CASE WHEN ${arg(q.byFeature, 'boolean')} THEN e.feature END AS feature,
          count(*) AS events, sum(e.amount)::bigint AS amount, sum(e.input_tokens)::bigint AS input_tokens,
          sum(e.cached_input_tokens)::bigint AS cached_input_tokens,
          sum(e.output_tokens)::bigint AS output_tokens, sum(e.quantity)::bigint AS quantity,
          count(*) FILTER (WHERE e.status = 'error') AS errors
        FROM ${s}.usage_events e
        WHERE (${arg(a, 'text')} IS NULL OR e.account = ${arg(a, 'text')})
          AND e.at >= ${s}._ts(${arg(q.from, 'bigint')}) AND e.at < ${s}._ts(${arg(q.to, 'bigint')})
        GROUP BY 1, 2
      ) b
      ORDER BY b.start, b.feature COLLATE "C"`,
  )
}

/**
 * Day buckets of [from, to): the whole UTC days inside the range from a daily rollup kept by
 * triggers in the same transaction as the events (migration 8: `usage_daily` per account,
 * `usage_daily_all` per stripe of accounts for every account), the partial days at either end from the
 * events themselves. Same numbers as `rawBuckets`, from a bounded number of rows per day.
 */
export function dailyBuckets(ctx: Ctx, q: StatsQuery): Promise<UsageBucket[]> {
  const s = sql.raw(ctx.s)
  const a = q.account
  // [lo, hi) is the run of whole days inside [from, to); empty (lo = hi = to) when there is none,
  // so the two raw edges [from, lo) and [hi, to) then cover the range exactly once.
  let lo = Math.ceil(q.from / DAY_MS) * DAY_MS
  let hi = Math.floor(q.to / DAY_MS) * DAY_MS
  if (lo >= hi) lo = hi = q.to
  const ts = (ms: number) => sql`${s}._ts(${arg(ms, 'bigint')})`
  const edge = (from: number, to: number) =>
    sql`SELECT date_trunc('day', e.at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS start, e.feature, 1 AS events,
        e.amount, e.input_tokens, e.cached_input_tokens, e.output_tokens, e.quantity,
        (e.status = 'error')::integer AS errors
      FROM ${s}.usage_events e
      WHERE (${arg(a, 'text')} IS NULL OR e.account = ${arg(a, 'text')}) AND e.at >= ${ts(from)} AND e.at < ${ts(to)}`
  return queryRows<UsageBucket>(
    ctx,
    sql`SELECT ${bucketJson(s)}
      FROM (
        SELECT x.start, CASE WHEN ${arg(q.byFeature, 'boolean')} THEN x.feature END AS feature,
          sum(x.events)::bigint AS events, sum(x.amount)::bigint AS amount,
          sum(x.input_tokens)::bigint AS input_tokens, sum(x.cached_input_tokens)::bigint AS cached_input_tokens,
          sum(x.output_tokens)::bigint AS output_tokens, sum(x.quantity)::bigint AS quantity,
          sum(x.errors)::bigint AS errors
        FROM (
          SELECT d.day::timestamp AT TIME ZONE 'UTC' AS start, d.feature, d.events, d.amount, d.input_tokens,
            d.cached_input_tokens, d.output_tokens, d.quantity, d.errors
          FROM ${a === null ? sql`${s}.usage_daily_all d WHERE` : sql`${s}.usage_daily d WHERE d.account = ${arg(a, 'text')} AND`}
            d.day >= (${ts(lo)} AT TIME ZONE 'UTC')::date AND d.day < (${ts(hi)} AT TIME ZONE 'UTC')::date
          UNION ALL ${edge(q.from, lo)}
          UNION ALL ${edge(hi, q.to)}
        ) x
        GROUP BY 1, 2
      ) b
      ORDER BY b.start, b.feature COLLATE "C"`,
  )
}
