import type { RedisScriptClient } from '../client.js'

/**
 * The part of `@upstash/redis`'s `Redis` (REST) that the stores use. Typed structurally, so any
 * version with `eval`/`evalsha` fits and `@upstash/redis` stays an optional peer.
 */
export interface UpstashLike {
  /** The client's EVALSHA. */
  evalsha(sha1: string, keys: string[], args: unknown[]): Promise<unknown>
  /** The client's EVAL. */
  eval(script: string, keys: string[], args: unknown[]): Promise<unknown>
}

/**
 * Adapts an `@upstash/redis` client: one HTTP request per store call. Works on the Edge runtime.
 * The client's automatic JSON deserialisation may parse the scripts' JSON replies before they
 * reach the stores; the stores accept both forms.
 * @example
 * import { Redis } from '@upstash/redis'
 * const { limiterStore, ledger } = createRedisStores(fromUpstash(Redis.fromEnv()))
 */
export function fromUpstash(redis: UpstashLike): RedisScriptClient {
  return {
    evalsha: (sha1, keys, args) => redis.evalsha(sha1, keys, args),
    eval: (script, keys, args) => redis.eval(script, keys, args),
  }
}
