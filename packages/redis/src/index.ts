export type { RedisScriptClient } from './client.js'
export { fromIoredis, type IoredisLike } from './clients/ioredis.js'
export { fromNodeRedis, type NodeRedisLike } from './clients/node-redis.js'
export { fromUpstash, type UpstashLike } from './clients/upstash.js'
export {
  createRedisLimiterStore,
  createRedisStores,
  type RedisStores,
  type RedisStoresOptions,
} from './create-redis-stores.js'
export { DEFAULT_PREFIX } from './keys.js'
