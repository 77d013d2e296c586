import { startUpstashBridge, type UpstashBridge } from '@metered/tooling'
import { Redis as UpstashRedis } from '@upstash/redis'
import { Redis as IoRedis } from 'ioredis'
import { createClient } from 'redis'
import { fromIoredis, fromNodeRedis, fromUpstash, type RedisScriptClient } from '../../src/index.js'

/** A connected client of one flavour, adapted to the stores' narrow type. */
export interface TestClient {
  client: RedisScriptClient
  /** Only for the Upstash flavour: the bridge, which counts top-level commands. */
  bridge?: UpstashBridge
  close(): Promise<void>
}

export type Flavour = 'upstash' | 'node-redis' | 'ioredis'
export const FLAVOURS: Flavour[] = ['upstash', 'node-redis', 'ioredis']

export function redisUrl(): string {
  const url = process.env.REDIS_URL
  if (!url)
    throw new Error('REDIS_URL is not set: run from the repository root so the global setup starts redis-server')
  return url
}

export async function connect(flavour: Flavour, url = redisUrl()): Promise<TestClient> {
  switch (flavour) {
    case 'upstash': {
      const bridge = await startUpstashBridge(url)
      const redis = new UpstashRedis({ url: bridge.url, token: bridge.token, retry: false, enableTelemetry: false })
      return { client: fromUpstash(redis), bridge, close: () => bridge.close() }
    }
    case 'node-redis': {
      const redis = createClient({ url })
      redis.on('error', () => {})
      await redis.connect()
      return { client: fromNodeRedis(redis), close: () => redis.quit().then(() => undefined) }
    }
    case 'ioredis': {
      const redis = new IoRedis(url, { lazyConnect: true })
      redis.on('error', () => {})
      await redis.connect()
      return { client: fromIoredis(redis), close: () => redis.quit().then(() => undefined) }
    }
  }
}

let n = 0
/** A key prefix no other test uses, so suites can share one redis-server. */
export function uniquePrefix(tag: string): string {
  n += 1
  return `t${process.pid}-${Date.now().toString(36)}-${n}-${tag}:`
}
