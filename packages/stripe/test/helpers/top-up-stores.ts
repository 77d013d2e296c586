import { databaseUrl, type RedisTestClient, redisUrl, uniqueName, withRedis } from '@metered/tooling'
import pg from 'pg'
import {
  type AutoTopUpStore,
  createMemoryTopUpStore,
  createPostgresTopUpStore,
  createRedisTopUpStore,
} from '../../src/index.js'

/** An auto top-up store to run the tests over; each `fresh` is an empty one. */
export interface TopUpStoreUnderTest {
  name: string
  fresh(): Promise<AutoTopUpStore>
  close?(): Promise<void>
}

export const memoryTopUps: TopUpStoreUnderTest = { name: 'memory', fresh: async () => createMemoryTopUpStore() }

/** A freshly created table per call, on a pool of 20 so concurrent claims really run in parallel. */
export function postgresTopUps(): TopUpStoreUnderTest {
  const pool = new pg.Pool({ connectionString: databaseUrl(), max: 20 })
  pool.on('error', () => {})
  return {
    name: 'postgres',
    async fresh() {
      const store = createPostgresTopUpStore(pool, { table: uniqueName('top_up') })
      await store.migrate()
      return store
    },
    close: () => pool.end(),
  }
}

/** One node-redis connection held open for the file, a fresh key prefix per call. */
export function redisTopUps(): TopUpStoreUnderTest {
  let release: () => void = () => {}
  let done: Promise<unknown> = Promise.resolve()
  let client: Promise<RedisTestClient> | null = null
  const connect = () =>
    new Promise<RedisTestClient>((resolve, reject) => {
      done = withRedis(redisUrl(), (c) => {
        resolve(c)
        return new Promise<void>((r) => {
          release = r
        })
      }).catch(reject)
    })
  return {
    name: 'redis',
    async fresh() {
      client ??= connect()
      const redis = await client
      return createRedisTopUpStore(
        { eval: (script, keys, args) => redis.eval(script, { keys, arguments: args }) },
        { prefix: `${uniqueName('top_up')}:` },
      )
    },
    async close() {
      release()
      await done
    },
  }
}
