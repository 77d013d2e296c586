import { createRedisStores, fromIoredis } from '@metered/redis'
import { redisUrl, uniqueName } from '@metered/tooling'
import { Redis } from 'ioredis'
import type { LedgerUnderTest } from './ledgers.js'

/**
 * The Redis ledger on the test server from the root global setup: one ioredis connection and one
 * key prefix per test file. Tests use random account ids, so they share the prefix safely.
 */
export function redisLedger(): LedgerUnderTest {
  let redis: Redis | null = null
  return {
    name: 'redis',
    async fresh() {
      redis ??= new Redis(redisUrl(), { lazyConnect: true })
      if (redis.status === 'wait') {
        redis.on('error', () => {})
        await redis.connect()
      }
      return createRedisStores(fromIoredis(redis), { prefix: `${uniqueName('stripe')}:` }).ledger
    },
    async close() {
      await redis?.quit()
    },
  }
}
