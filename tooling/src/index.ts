// Helpers for tests. The servers themselves come from the vitest global setup
// (@metered/tooling/global-setup, wired in the root vitest.config.ts).
import { randomBytes } from 'node:crypto'
import pg from 'pg'

export {
  ENDLESS_PROMPT,
  ENDLESS_START,
  FAKE_USAGE,
  type FakeCall,
  type FakeOpenAIOptions,
  type FakeOpenAIServer,
  type FakeUsage,
  startFakeOpenAI,
} from './fake-openai.js'
export { findPgBouncer, type PgBouncerOptions, type PgBouncerServer, spawnPgBouncer } from './pgbouncer.js'
export { type RedisTestClient, withRedis } from './redis-client.js'
export { type RedisCluster, type RedisClusterOptions, startRedisCluster } from './redis-cluster.js'
export {
  type ClusterMaster,
  clusterMasters,
  keySlot,
  type MigrateSlotOptions,
  migrateSlot,
  type SlotMigration,
  slotOwner,
} from './redis-slot-migration.js'
export {
  findPostgresBinDir,
  findRedisServer,
  freePort,
  type PostgresServer,
  type PostgresServerOptions,
  type RedisServer,
  type RedisServerOptions,
  spawnPostgresServer,
  spawnRedisServer,
  TestServiceError,
} from './servers.js'

function fromEnv(name: 'DATABASE_URL' | 'PGBOUNCER_URL' | 'REDIS_URL'): string {
  const value = process.env[name]
  if (!value) {
    throw new Error(
      `${name} is not set. Run tests from the repository root (\`pnpm vitest run\` or \`pnpm test\`) so that the ` +
        `global setup in @metered/tooling starts the test services, or set ${name} yourself.`,
    )
  }
  return value
}

/** The test PostgreSQL server's URL (superuser, database `postgres`). */
export function databaseUrl(): string {
  return fromEnv('DATABASE_URL')
}

/**
 * The test PgBouncer's URL: transaction pooling in front of `databaseUrl()`'s server, SCRAM login
 * with a password. Any database of that server is reachable by changing the path.
 */
export function pgbouncerUrl(): string {
  return fromEnv('PGBOUNCER_URL')
}

/** The test redis-server's URL. Shared by all test files: use a unique key prefix per suite. */
export function redisUrl(): string {
  return fromEnv('REDIS_URL')
}

/** A short random lowercase identifier, safe in SQL names and Redis keys: `${prefix}_<12 hex>`. */
export function uniqueName(prefix = 't'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`
}

export interface TestDatabase {
  /** URL of the new database on the same server. */
  url: string
  name: string
  /** DROP DATABASE ... WITH (FORCE): closes what is still connected. Idempotent. */
  drop(): Promise<void>
}

/** CREATE DATABASE with a random name on the test server (or `serverUrl`), for full isolation. */
export async function createTestDatabase(options: { prefix?: string; serverUrl?: string } = {}): Promise<TestDatabase> {
  const serverUrl = options.serverUrl ?? databaseUrl()
  const name = uniqueName(options.prefix ?? 'metered_test')
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"`))
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  let dropped = false
  return {
    url: url.toString(),
    name,
    async drop() {
      if (dropped) return
      dropped = true
      await withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))
    },
  }
}

/** Run `fn` with a connected pg.Client, closing it afterwards. */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}
export { startUpstashBridge, type UpstashBridge } from './upstash-bridge.js'
export { startWsProxy, type WsProxy } from './ws-proxy.js'
