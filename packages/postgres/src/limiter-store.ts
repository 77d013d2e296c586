import type { ConsumeItem, ConsumeResult } from '@metered/core'
import type { LimiterDriver } from '@metered/core/adapter'
import { sql } from 'kysely'
import { arg, type Ctx, callFn, jsonParam, nowParam, queryRows } from './call.js'

/** Items as the SQL functions read them: flat objects. */
export function limiterItems(items: readonly ConsumeItem[]) {
  return items.map((i) => ({
    key: i.key,
    name: i.name,
    kind: i.rule.kind,
    limit: i.rule.limit,
    windowMs: i.rule.windowMs,
    refillAmount: i.rule.refillAmount,
    cost: i.cost,
  }))
}

/**
 * The limiter driver on Postgres: every consume is one call of `limiter_consume`, which locks the
 * request's (key, name) pairs in a stable order, reads their state, decides every rule with the
 * arithmetic of algorithms.ts, and stores the new states only when all rules admit the call.
 */
export function createPostgresLimiterDriver(ctx: Ctx): LimiterDriver {
  return {
    async consume(r) {
      return await callFn<ConsumeResult>(ctx, 'limiter_consume', [
        jsonParam(limiterItems(r.items)),
        [r.dryRun ?? false, 'boolean'],
        nowParam(ctx),
      ])
    },

    async reset(k, n) {
      // an empty list resets nothing
      if (n.length === 0) return
      await queryRows(
        ctx,
        sql`DELETE FROM ${sql.raw(ctx.s)}.limiter_state WHERE key = ${k} AND name = ANY (${arg(n, 'text[]')})`,
      )
    },
  }
}
