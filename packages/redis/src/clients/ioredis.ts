import type { RedisScriptClient } from '../client.js'

/** The part of an `ioredis` client (`Redis` or `Cluster`, v5 and later) that the stores use. */
export interface IoredisLike {
  /** The client's EVALSHA. */
  evalsha(sha1: string, numkeys: number, ...keysAndArgs: string[]): Promise<unknown>
  /** The client's EVAL. */
  eval(script: string, numkeys: number, ...keysAndArgs: string[]): Promise<unknown>
}

/**
 * Adapts an `ioredis` client (TCP).
 * @example
 * import { Redis } from 'ioredis'
 * const { limiterStore, ledger } = createRedisStores(fromIoredis(new Redis(process.env.REDIS_URL)))
 */
export function fromIoredis(client: IoredisLike): RedisScriptClient {
  return {
    evalsha: (sha1, keys, args) => client.evalsha(sha1, keys.length, ...keys, ...args),
    eval: (script, keys, args) => client.eval(script, keys.length, ...keys, ...args),
  }
}
