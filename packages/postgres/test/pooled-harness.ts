// The pooled paths the conformance suites run through, besides the direct pg Pool:
// - pg Pool -> PgBouncer (transaction mode) -> PostgreSQL, as with Supabase's or Neon's pooled URL;
// - Neon's serverless driver (`@neondatabase/serverless` Pool) over WebSocket -> loopback proxy ->
//   PgBouncer, as on Vercel with Neon;
// - `@vercel/postgres`'s `createPool` (Neon's driver 0.9 inside) the same way.
import { createRequire } from 'node:module'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { authorizerSuite, ledgerSuite, limiterStoreSuite, usageSuite, usersSuite } from '@metered/core/testing'
import { pgbouncerUrl, startWsProxy, uniqueName, type WsProxy } from '@metered/tooling'
import { Kysely, PostgresDialect, type PostgresPool } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import ws from 'ws'
import { migrate } from '../src/index.js'
import { pgTestDb, rawReaders, storesFor } from './harness.js'

export type PooledPath = 'pgbouncer' | 'neon' | 'vercel'

export interface PooledTestDb {
  db: Kysely<unknown>
  schema: string
  close(): Promise<void>
}

/** The subset of `neonConfig` set here; the same in Neon's driver 1.x and 0.9. */
interface NeonConfig {
  webSocketConstructor: unknown
  wsProxy: string | ((host: string, port: number | string) => string)
  useSecureWebSocket: boolean
  forceDisablePgSSL: boolean
  pipelineTLS: boolean
  pipelineConnect: 'password' | false
}

/**
 * Settings for a self-hosted WebSocket proxy in front of PgBouncer: plain ws:// on loopback (TLS
 * is the proxy's business in production), and no pipelined password login, which needs cleartext
 * password auth where PgBouncer asks for SCRAM.
 */
function configureNeon(config: NeonConfig, proxy: WsProxy) {
  config.webSocketConstructor = ws
  config.wsProxy = proxy.wsProxy
  config.useSecureWebSocket = false
  config.forceDisablePgSSL = true
  config.pipelineTLS = false
  config.pipelineConnect = false
}

let proxy: Promise<WsProxy> | undefined
const wsProxy = () => {
  proxy ??= startWsProxy()
  return proxy
}
/** TCP connections the WebSocket proxy has opened (0 if it never started). */
export async function proxiedConnections(): Promise<number> {
  return proxy ? (await proxy).connections : 0
}

/**
 * `@vercel/postgres` imports its own copy of Neon's driver (0.9), whose `neonConfig` is a different
 * object from the 1.x one this package depends on: configure the copy it resolves.
 */
async function vercelNeonConfig(): Promise<NeonConfig> {
  const require = createRequire(import.meta.url)
  const vercelEntry = require.resolve('@vercel/postgres')
  const neonCjs = createRequire(vercelEntry).resolve('@neondatabase/serverless')
  const neonEsm = path.join(path.dirname(neonCjs), 'index.mjs') // what the ESM entry of @vercel/postgres loads
  return ((await import(pathToFileURL(neonEsm).href)) as { neonConfig: NeonConfig }).neonConfig
}

function quietPool<P extends { on(event: 'error', listener: (e: Error) => void): unknown }>(pool: P): P {
  pool.on('error', () => {}) // a dropped idle connection must not crash the run; calls still reject
  return pool
}

async function openNeon(pathName: 'neon' | 'vercel', max: number): Promise<Kysely<unknown>> {
  const p = await wsProxy()
  let pool: PostgresPool
  if (pathName === 'neon') {
    const neon = await import('@neondatabase/serverless')
    configureNeon(neon.neonConfig as unknown as NeonConfig, p)
    // Neon's types declare `Client.connect(): Promise<void>` where kysely's `PostgresPool` wants the
    // client back; at run time it is node-postgres's Pool, which kysely drives as usual.
    pool = quietPool(new neon.Pool({ connectionString: pgbouncerUrl(), max })) as unknown as PostgresPool
  } else {
    configureNeon(await vercelNeonConfig(), p)
    const { createPool } = await import('@vercel/postgres')
    // createPool insists on a pooled connection string (a `-pooler.` host, as Vercel hands out)
    // or localhost; the proxy sends every host to loopback.
    const url = new URL(pgbouncerUrl())
    url.hostname = 'ep-metered-test-pooler.localhost'
    pool = quietPool(createPool({ connectionString: url.toString(), max })) as unknown as PostgresPool
  }
  return new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) })
}

/** A fresh migrated schema reached through one of the pooled paths (20 client connections). */
export async function pooledTestDb(pathName: PooledPath, options: { max?: number } = {}): Promise<PooledTestDb> {
  const max = options.max ?? 20
  if (pathName === 'pgbouncer') {
    const t = await pgTestDb({ url: pgbouncerUrl(), max })
    return { db: t.db, schema: t.schema, close: () => t.close() }
  }
  const db = await openNeon(pathName, max)
  const schema = uniqueName('m')
  await migrate(db, { schema })
  return { db, schema, close: () => db.destroy() }
}

const LABELS: Record<PooledPath, string> = {
  pgbouncer: 'pg Pool through PgBouncer (transaction mode)',
  neon: '@neondatabase/serverless Pool over WebSocket through PgBouncer',
  vercel: '@vercel/postgres createPool over WebSocket through PgBouncer',
}

/** Registers every conformance suite of the Postgres stores on one pooled path. */
export function pooledConformance(pathName: PooledPath): void {
  const label = `postgres, ${LABELS[pathName]}`
  afterAll(async () => {
    if (proxy) await (await proxy).close()
  })
  ledgerSuite(label, async ({ clock }) => {
    const t = await pooledTestDb(pathName)
    return { ledger: storesFor(t, clock).ledger, raw: rawReaders(t.db, t.schema), close: () => t.close() }
  })
  limiterStoreSuite(label, async ({ clock }) => {
    const t = await pooledTestDb(pathName)
    return { store: storesFor(t, clock).limiterStore, close: () => t.close() }
  })
  authorizerSuite(label, async ({ clock }) => {
    const t = await pooledTestDb(pathName)
    const { ledger, limiterStore, authorizer } = storesFor(t, clock)
    return { ledger, limiterStore, authorizer, close: () => t.close() }
  })
  usageSuite(label, async ({ clock }) => {
    const t = await pooledTestDb(pathName)
    return { usage: storesFor(t, clock).usage, close: () => t.close() }
  })
  usersSuite(label, async ({ clock }) => {
    const t = await pooledTestDb(pathName)
    return { users: storesFor(t, clock).users, close: () => t.close() }
  })
  if (pathName !== 'pgbouncer') {
    describe(label, () => {
      it('reached PgBouncer through the WebSocket proxy', async () => {
        expect(await proxiedConnections()).toBeGreaterThan(0)
      })
    })
  }
}
