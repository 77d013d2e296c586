import type { RedisScriptClient } from '../client.js'

interface EvalOptions {
  keys: string[]
  arguments: string[]
}

/**
 * The part of a node-redis (`redis` package, v4 and later) client that the stores use:
 * `createClient()`, `createCluster()` and pools all have it.
 */
export interface NodeRedisLike {
  /** The client's EVALSHA. */
  evalSha(sha1: string, options: EvalOptions): Promise<unknown>
  /** The client's EVAL. */
  eval(script: string, options: EvalOptions): Promise<unknown>
}

/**
 * Adapts a connected node-redis client (TCP). node-redis queues commands while it reconnects,
 * so pair it with the limiter's `timeout` to bound the wait when Redis is down.
 * @example
 * import { createClient } from 'redis'
 * const client = await createClient({ url: process.env.REDIS_URL }).connect()
 * const { limiterStore, ledger } = createRedisStores(fromNodeRedis(client))
 */
export function fromNodeRedis(client: NodeRedisLike): RedisScriptClient {
  return {
    evalsha: (sha1, keys, args) => client.evalSha(sha1, { keys, arguments: args }),
    eval: (script, keys, args) => client.eval(script, { keys, arguments: args }),
  }
}
