// vitest globalSetup, wired into the root vitest.config.ts: starts one throwaway PostgreSQL, a
// PgBouncer in transaction mode in front of it, and one redis-server for the whole run (every
// project), unless DATABASE_URL / PGBOUNCER_URL / REDIS_URL are set. Tests read the URLs from
// process.env (workers inherit it) or from inject('databaseUrl').
import type { TestProject } from 'vitest/node'
import { type PgBouncerServer, spawnPgBouncer } from './pgbouncer.js'
import {
  cleanupAllSync,
  type PostgresServer,
  type RedisServer,
  spawnPostgresServer,
  spawnRedisServer,
} from './servers.js'

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string
    pgbouncerUrl: string
    redisUrl: string
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now()
  const before = {
    DATABASE_URL: process.env.DATABASE_URL,
    PGBOUNCER_URL: process.env.PGBOUNCER_URL,
    REDIS_URL: process.env.REDIS_URL,
  }
  const [pg, redis] = await Promise.allSettled([
    before.DATABASE_URL ? undefined : spawnPostgresServer(),
    before.REDIS_URL ? undefined : spawnRedisServer(),
  ])
  const servers = [pg, redis]
    .map((r) => (r.status === 'fulfilled' ? r.value : undefined))
    .filter((s): s is PostgresServer | RedisServer => !!s)
  const failures = [pg, redis].filter((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failures.length > 0) {
    await Promise.all(servers.map((s) => s.destroy()))
    const message = failures.map((f) => (f.reason instanceof Error ? f.reason.message : String(f.reason))).join('\n\n')
    throw new Error(`@metered/tooling: could not start the test services.\n${message}`)
  }

  const databaseUrl = before.DATABASE_URL ?? (pg as PromiseFulfilledResult<PostgresServer>).value.url
  const redisUrl = before.REDIS_URL ?? (redis as PromiseFulfilledResult<RedisServer>).value.url
  // PgBouncer needs the server's port, so it starts once PostgreSQL is up.
  let pgbouncer: PgBouncerServer | undefined
  if (!before.PGBOUNCER_URL) {
    try {
      pgbouncer = await spawnPgBouncer({ serverUrl: databaseUrl })
    } catch (error) {
      await Promise.all(servers.map((s) => s.destroy()))
      const message = error instanceof Error ? error.message : String(error)
      throw new Error(`@metered/tooling: could not start the test services.\n${message}`)
    }
  }
  const pgbouncerUrl = before.PGBOUNCER_URL ?? (pgbouncer as PgBouncerServer).url
  process.env.DATABASE_URL = databaseUrl
  process.env.PGBOUNCER_URL = pgbouncerUrl
  process.env.REDIS_URL = redisUrl
  project.provide('databaseUrl', databaseUrl)
  project.provide('pgbouncerUrl', pgbouncerUrl)
  project.provide('redisUrl', redisUrl)
  if ((servers.length > 0 || pgbouncer) && process.env.METERED_TOOLING_QUIET !== '1') {
    console.log(
      `[tooling] test services up in ${Date.now() - started} ms: DATABASE_URL=${databaseUrl} ` +
        `PGBOUNCER_URL=${pgbouncerUrl} REDIS_URL=${redisUrl}`,
    )
  }

  // Ctrl-C / kill: stop the servers and remove their data before the process goes. If nobody
  // else handles the signal, re-raise it so the process still ends the way it would have.
  const onSignal = (signal: NodeJS.Signals) => {
    cleanupAllSync()
    removeSignalHandlers()
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
  }
  const removeSignalHandlers = () => {
    for (const s of SIGNALS) process.off(s, onSignal)
  }
  for (const s of SIGNALS) process.on(s, onSignal)

  return async function teardown() {
    removeSignalHandlers()
    await pgbouncer?.destroy()
    await Promise.all(servers.map((s) => s.destroy()))
    for (const [key, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
  }
}
