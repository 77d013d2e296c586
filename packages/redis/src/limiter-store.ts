import type { Clock, ConsumeItem, ConsumeResult, RuleKind } from '@metered/core'
import type { LimiterDriver } from '@metered/core/adapter'
import type { RedisScriptClient } from './client.js'
import { limiterKey } from './keys.js'
import { LIMITER_CONSUME_LUA } from './lua/limiter-consume.js'
import { LIMITER_RESET_LUA } from './lua/limiter-reset.js'
import { LIMITER_BUCKET_LUA, LIMITER_FIXED_LUA, LIMITER_SLIDING_LUA } from './lua/limiter-single.js'
import { defineScript, runScript, type Script } from './script.js'

const consumeScript = /* @__PURE__ */ defineScript('limiter consume', LIMITER_CONSUME_LUA)
const resetScript = /* @__PURE__ */ defineScript('limiter reset', LIMITER_RESET_LUA)
/** The scripts of a call with one rule, by algorithm (see lua/limiter-single.ts). */
const singleScripts: Record<RuleKind, Script> = /* @__PURE__ */ singleRuleScripts()

function singleRuleScripts(): Record<RuleKind, Script> {
  return {
    fixed_window: defineScript('limiter consume', LIMITER_FIXED_LUA),
    sliding_window: defineScript('limiter consume', LIMITER_SLIDING_LUA),
    token_bucket: defineScript('limiter consume', LIMITER_BUCKET_LUA),
  }
}

export const KIND_CODE: Record<RuleKind, string> = { fixed_window: 'f', sliding_window: 's', token_bucket: 'b' }

/**
 * With an injected clock (tests), stored state is kept at least this long in real time: the
 * injected clock decides expiry, and Redis must not drop state earlier in wall-clock terms.
 * Reading a state after it stopped mattering decides the same as reading none, so a longer
 * life never changes a decision.
 */
export const INJECTED_CLOCK_MIN_PX = 86_400_000

export interface RedisLimiterStoreOptions {
  prefix: string
  clock?: Clock | undefined
}

/**
 * The limiter driver over Redis: every `consume` is one EVALSHA that reads, decides and (when
 * every rule admits) writes all items. Keys of one call share the hash tag `{<key>}`, so on
 * Redis Cluster a call whose items all use the same key (the normal case) runs on one shard.
 */
export function createRedisLimiterDriver(client: RedisScriptClient, options: RedisLimiterStoreOptions): LimiterDriver {
  const { prefix, clock } = options
  const floorPx = clock ? String(INJECTED_CLOCK_MIN_PX) : '0'
  return {
    consume({ items, dryRun }): Promise<ConsumeResult> {
      const now = clock ? String(clock.now()) : ''
      if (items.length === 1) {
        // the common call: a script per algorithm, five or six arguments, a five-number reply
        const item = items[0]!
        const r = item.rule
        const args = [now, String(r.limit), String(r.windowMs), String(item.cost), dryRun ? 'd' : floorPx]
        if (r.kind === 'token_bucket') args.push(String(r.refillAmount))
        return runScript(client, singleScripts[r.kind], [limiterKey(prefix, item.key, item.name)], args, (reply) =>
          singleResult(item, reply as unknown[]),
        )
      }
      const keys: string[] = []
      const args: string[] = [now, dryRun ? '1' : '0', floorPx]
      for (const item of items) {
        keys.push(limiterKey(prefix, item.key, item.name))
        const r = item.rule
        args.push(KIND_CODE[r.kind], String(r.limit), String(r.windowMs), String(r.refillAmount), String(item.cost))
      }
      return runScript(client, consumeScript, keys, args, (reply) => toConsumeResult(items, reply as unknown[]))
    },

    async reset(key, names) {
      if (names.length === 0) return
      await runScript(
        client,
        resetScript,
        names.map((name) => limiterKey(prefix, key, name)),
        [],
      )
    },
  }
}

/** The limiter script's flat integer reply as a `ConsumeResult`, items in request order. */
export function toConsumeResult(items: ConsumeItem[], reply: unknown[]): ConsumeResult {
  const num = (i: number): number => Number(reply[i])
  return {
    allowed: num(0) === 1,
    now: num(1),
    rules: items.map((item, i) => ({
      name: item.name,
      key: item.key,
      limit: item.rule.limit,
      allowed: num(2 + i * 4) === 1,
      remaining: num(3 + i * 4),
      reset: num(4 + i * 4),
      retryAfter: num(5 + i * 4),
    })),
  }
}

/** The single-rule scripts' reply `{ allowed, now, remaining, reset, retryAfter }` as a `ConsumeResult`. */
function singleResult(item: ConsumeItem, reply: unknown[]): ConsumeResult {
  const allowed = Number(reply[0]) === 1
  return {
    allowed,
    now: Number(reply[1]),
    rules: [
      {
        name: item.name,
        key: item.key,
        limit: item.rule.limit,
        allowed,
        remaining: Number(reply[2]),
        reset: Number(reply[3]),
        retryAfter: Number(reply[4]),
      },
    ],
  }
}
