// Short-lived node-redis connections for tests' housekeeping (PING, SCAN, SCRIPT FLUSH, writing
// damage straight into a record...) and for waiting on a server that is starting.
import { createClient } from 'redis'

function connectClient(url: string, connectTimeoutMs: number) {
  return createClient({ url, socket: { connectTimeout: connectTimeoutMs, reconnectStrategy: false } })
}

/** A connected node-redis client, as {@link withRedis} passes it. */
export type RedisTestClient = ReturnType<typeof connectClient>

/**
 * Runs `fn` with a connected node-redis client, then closes it. The connection is never retried:
 * a server that is down or not up yet rejects at once (or after `connectTimeoutMs`), so a test
 * can assert it and a start-up loop can poll.
 * @example const keys = await withRedis(redisUrl(), (r) => r.keys(`${prefix}*`))
 */
export async function withRedis<T>(
  url: string,
  fn: (client: RedisTestClient) => Promise<T>,
  { connectTimeoutMs = 5000 }: { connectTimeoutMs?: number } = {},
): Promise<T> {
  const client = connectClient(url, connectTimeoutMs)
  // connect() and the commands reject with the error; without a listener it would also be
  // thrown as an unhandled 'error' event
  client.on('error', () => {})
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.close().catch(() => client.destroy())
  }
}
