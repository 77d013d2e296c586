/**
 * The one thing @metered/redis needs from a Redis client: run a Lua script by SHA1 or by source.
 * Every store call is exactly one of these, so any client (REST or TCP, single node or cluster)
 * fits through a three-line adapter. See `fromUpstash`, `fromNodeRedis` and `fromIoredis`.
 *
 * Both methods take the script's KEYS and ARGV as string arrays and resolve to the script's raw
 * reply (strings, integers, nested arrays), or reject with the client's error. A rejection whose
 * message contains `NOSCRIPT` makes the caller retry once with `eval`, which also loads the
 * script into the server's cache for the next `evalsha`.
 * @example
 * const client: RedisScriptClient = {
 *   evalsha: (sha, keys, args) => myClient.evalsha(sha, keys, args),
 *   eval: (script, keys, args) => myClient.eval(script, keys, args),
 * }
 */
export interface RedisScriptClient {
  /** Runs a cached script by its SHA1; rejects with a `NOSCRIPT` error when the server does not know it. */
  evalsha(sha1: string, keys: string[], args: string[]): Promise<unknown>
  /** Runs (and caches) a script from its source. */
  eval(script: string, keys: string[], args: string[]): Promise<unknown>
}
