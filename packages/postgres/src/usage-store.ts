import type { UsageBucket, UsageEvent, UsagePage, UsageStats } from '@metered/core'
import type { UsageDriver } from '@metered/core/adapter'
import { sql } from 'kysely'
import { arg, type Ctx, jsonArg, nowArg, queryRows } from './call.js'
import { decodePairCursor, encodePairCursor } from './cursor.js'

const eventJson = (s: string) =>
  sql.raw(`jsonb_build_object('id', e.id::text, 'account', e.account, 'userId', e.user_id, 'feature', e.feature,
    'amount', e.amount, 'shortfall', e.shortfall, 'model', e.model, 'inputTokens', e.input_tokens,
    'cachedInputTokens', e.cached_input_tokens, 'outputTokens', e.output_tokens, 'quantity', e.quantity,
    'status', e.status, 'latencyMs', e.latency_ms, 'metadata', e.metadata, 'at', ${s}._ms(e.at))`)

/**
 * The usage driver on Postgres: an append-only table of events, indexed by (account, at) for one
 * account's dashboards and by (at) for global views and retention. Aggregates are computed in SQL.
 */
export function createPostgresUsageDriver(ctx: Ctx): UsageDriver {
  const s = sql.raw(ctx.s)
  return {
    async record(v) {
      const at = v.at === null ? nowArg(ctx) : arg(v.at, 'bigint')
      const [event] = await queryRows<UsageEvent>(
        ctx,
        sql`INSERT INTO ${s}.usage_events AS e (account, user_id, feature, amount, shortfall, model, input_tokens,
            cached_input_tokens, output_tokens, quantity, status, latency_ms, metadata, at)
          VALUES (${v.account}, ${v.userId}, ${v.feature}, ${arg(v.amount, 'bigint')},
            ${arg(v.shortfall, 'bigint')}, ${v.model}, ${arg(v.inputTokens, 'bigint')},
            ${arg(v.cachedInputTokens, 'bigint')}, ${arg(v.outputTokens, 'bigint')},
            ${arg(v.quantity, 'bigint')}, ${v.status}, ${arg(v.latencyMs, 'bigint')},
            ${jsonArg(v.metadata)}, coalesce(${s}._ts(${at}), date_trunc('milliseconds', now())))
          RETURNING ${eventJson(ctx.s)} AS r`,
      )
      return event as UsageEvent
    },

    async stats(q) {
      const a = q.account === 'all' ? null : q.account
      const byFeature = q.byFeature
      // date_trunc on the UTC wall time, then back to an instant: buckets aligned to UTC
      // whatever the session's TimeZone. Features sort by code point (COLLATE "C"), like JS.
      const buckets = await queryRows<UsageBucket>(
        ctx,
        sql`SELECT jsonb_build_object('start', ${s}._ms(b.start), 'feature', b.feature, 'events', b.events,
            'amount', b.amount, 'inputTokens', b.input_tokens, 'cachedInputTokens', b.cached_input_tokens,
            'outputTokens', b.output_tokens, 'quantity', b.quantity, 'errors', b.errors) AS r
          FROM (
            SELECT date_trunc(${arg(q.bucket, 'text')}, e.at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS start,
              CASE WHEN ${arg(byFeature, 'boolean')} THEN e.feature END AS feature,
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
      const totals = {
        events: 0,
        amount: 0,
        inputTokens: 0,
        cachedInputTokens: 0,
        outputTokens: 0,
        quantity: 0,
        errors: 0,
      }
      for (const b of buckets) {
        totals.events += b.events
        totals.amount += b.amount
        totals.inputTokens += b.inputTokens
        totals.cachedInputTokens += b.cachedInputTokens
        totals.outputTokens += b.outputTokens
        totals.quantity += b.quantity
        totals.errors += b.errors
      }
      return { buckets, totals } satisfies UsageStats
    },

    async list(q) {
      const a = q.account === 'all' ? null : q.account
      const limit = q.limit
      const after = decodePairCursor(q.cursor)
      const rows = await queryRows<UsageEvent>(
        ctx,
        sql`SELECT ${eventJson(ctx.s)} AS r FROM ${s}.usage_events e
          WHERE (${arg(a, 'text')} IS NULL OR e.account = ${arg(a, 'text')})
            AND e.at >= ${s}._ts(${arg(q.from, 'bigint')}) AND e.at < ${s}._ts(${arg(q.to, 'bigint')})
            AND (${arg(after?.id ?? null, 'bigint')} IS NULL
              OR (e.at, e.id) > (${s}._ts(${arg(after?.at ?? null, 'bigint')}), ${arg(after?.id ?? null, 'bigint')}))
          ORDER BY e.at, e.id
          LIMIT ${arg(limit + 1, 'integer')}`,
      )
      const events = rows.slice(0, limit)
      const last = events[events.length - 1]
      return {
        events,
        nextCursor: rows.length > limit && last ? encodePairCursor(last.at, last.id) : null,
      } satisfies UsagePage
    },
  }
}
