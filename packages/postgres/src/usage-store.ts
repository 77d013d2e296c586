import type { UsageEvent, UsagePage, UsageStats } from '@metered/core'
import type { UsageDriver } from '@metered/core/adapter'
import { sql } from 'kysely'
import { arg, type Ctx, jsonArg, nowArg, queryRows } from './call.js'
import { decodePairCursor, encodePairCursor } from './cursor.js'
import { dailyBuckets, rawBuckets } from './usage-stats.js'

const eventJson = (s: string) =>
  sql.raw(`jsonb_build_object('id', e.id::text, 'account', e.account, 'userId', e.user_id, 'feature', e.feature,
    'amount', e.amount, 'shortfall', e.shortfall, 'model', e.model, 'inputTokens', e.input_tokens,
    'cachedInputTokens', e.cached_input_tokens, 'outputTokens', e.output_tokens, 'quantity', e.quantity,
    'status', e.status, 'latencyMs', e.latency_ms, 'metadata', e.metadata, 'at', ${s}._ms(e.at))`)

/**
 * The usage driver on Postgres: an append-only table of events, indexed by (account, at) for one
 * account's dashboards and by (at) for global views and retention. Aggregates are computed in SQL:
 * day buckets from the daily rollup (usage-stats.ts), hour buckets from the events.
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
      const buckets = q.bucket === 'day' ? await dailyBuckets(ctx, q) : await rawBuckets(ctx, q)
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
      const a = q.account
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
