import type { Clock, ConsumeResult, RuleKind } from '@metered/core'
import type { LimiterDriver } from '@metered/core/adapter'
import type { RedisScriptClient } from './client.js'
import { limiterKey } from './keys.js'
import { consumeResultOf, ruleArgs } from './limiter-reply.js'
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
  const floorPx = clock ? String(INJECTED_CLOCK_MIN_PX) : undefined
  return {
    consume({ items, dryRun }): Promise<ConsumeResult> {
      const now = clock?.now()
      const keys = items.map((item) => limiterKey(prefix, item.key, item.name))
      // the common call, one rule, runs its algorithm's script, which takes no kind
      const args = items.length === 1 ? ruleArgs(items[0]!).slice(1) : items.flatMap(ruleArgs)
      // optional trailing arguments: the mode (dry run or PX floor), then an injected clock's now
      const mode = dryRun ? 'd' : floorPx
      if (now !== undefined) args.push(mode ?? '0', String(now))
      else if (mode !== undefined) args.push(mode)
      const script = items.length === 1 ? singleScripts[items[0]!.rule.kind] : consumeScript
      return runScript(client, script, keys, args, (reply) => consumeResultOf(items, reply, now))
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
