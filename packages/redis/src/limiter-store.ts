import type { Clock, ConsumeItem, ConsumeResult, RuleKind } from '@metered/core'
import type { LimiterDriver } from '@metered/core/adapter'
import type { RedisScriptClient } from './client.js'
import { limiterKey } from './keys.js'
import { LIMITER_CONSUME_LUA } from './lua/limiter-consume.js'
import { LIMITER_RESET_LUA } from './lua/limiter-reset.js'
import { defineScript, runScript } from './script.js'

const consumeScript = /* @__PURE__ */ defineScript('limiter consume', LIMITER_CONSUME_LUA)
const resetScript = /* @__PURE__ */ defineScript('limiter reset', LIMITER_RESET_LUA)

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
  return {
    consume({ items, dryRun }): Promise<ConsumeResult> {
      const keys: string[] = []
      const args: string[] = [
        clock ? String(clock.now()) : '',
        dryRun ? '1' : '0',
        clock ? String(INJECTED_CLOCK_MIN_PX) : '0',
      ]
      for (const item of items) {
        keys.push(limiterKey(prefix, item.key, item.name))
        const r = item.rule
        args.push(KIND_CODE[r.kind], String(r.limit), String(r.windowMs), String(r.refillAmount), String(item.cost))
      }
      return runScript(client, consumeScript, keys, args).then((reply) => toConsumeResult(items, reply as unknown[]))
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
