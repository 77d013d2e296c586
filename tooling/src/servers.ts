// Throwaway PostgreSQL and Redis servers for tests: free loopback ports, data in a temp dir,
// no durability, removed afterwards. Used by the vitest global setup and by tests that need a
// private server they can stop and start (e.g. "the store goes away mid-run").
import { execFile, spawn, spawnSync } from 'node:child_process'
import {
  accessSync,
  appendFileSync,
  chownSync,
  constants,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { withRedis } from './redis-client.js'

const execFileAsync = promisify(execFile)

export class TestServiceError extends Error {
  override name = 'TestServiceError'
}

// ---------------------------------------------------------------------------------------------
// Small utilities

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** Absolute path of `name` on PATH, or undefined. */
export function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue
    const file = path.join(dir, name)
    if (isExecutable(file)) return file
  }
  return undefined
}

/**
 * A server binary: the path in `process.env[envVar]`, else `name` on PATH, else the first
 * executable of `fallbacks`; a TestServiceError saying `missing` when there is none.
 */
export function findBinary(envVar: string, name: string, fallbacks: string[], missing: string): string {
  const bin = process.env[envVar] ?? which(name) ?? fallbacks.find(isExecutable)
  if (bin && isExecutable(bin)) return bin
  throw new TestServiceError(missing)
}

export const isRoot = () => typeof process.geteuid === 'function' && process.geteuid() === 0

export function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}

export function shellQuote(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`)}'`
}

/**
 * A detached shell that outlives us: once `process.pid` is gone (even after SIGKILL), it runs
 * `cleanup` (kill the server, remove its dir). Normal teardown kills the watchdog first.
 */
export function startWatchdog(cleanup: string): number | undefined {
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ${cleanup}`
  try {
    const child = spawn('/bin/sh', ['-c', script], { detached: true, stdio: 'ignore' })
    child.on('error', () => {})
    child.unref()
    return child.pid
  } catch {
    return undefined
  }
}

export function stopWatchdog(pid: number | undefined) {
  if (pid === undefined) return
  try {
    process.kill(-pid, 'SIGKILL') // its process group: the shell and its `sleep`
  } catch {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {}
  }
}

// Synchronous last-resort cleanups run on process exit (vitest exiting on SIGINT included).
const exitCleanups = new Set<() => void>()
let exitHookInstalled = false
export function onExit(cleanup: () => void): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true
    process.on('exit', () => {
      for (const fn of exitCleanups) {
        try {
          fn()
        } catch {}
      }
    })
  }
  exitCleanups.add(cleanup)
  return () => exitCleanups.delete(cleanup)
}

/**
 * Makes sure a server's `killSync` runs when this process ends without the test's teardown: on
 * exit, and after a SIGKILL from a watchdog shell running `watchdogCleanup`. A clean teardown
 * calls the returned release once it killed the server itself.
 */
export function guardServer(killSync: () => void, watchdogCleanup: string): () => void {
  const removeExitHook = onExit(killSync)
  const watchdog = startWatchdog(watchdogCleanup)
  return () => {
    removeExitHook()
    stopWatchdog(watchdog)
  }
}

/**
 * Runs `start`; when it fails because the port was taken between freePort() and the start (the
 * log matches `busy`), tries again on a fresh port, three attempts in all. A port the caller
 * chose is never changed.
 */
export async function startOnFreePort(
  start: () => Promise<void>,
  options: { chosenPort: boolean; log: string; busy: RegExp; usePort: (port: number) => void },
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await start()
      return
    } catch (error) {
      if (options.chosenPort || attempt >= 3 || !options.busy.test(tail(options.log, 50))) throw error
      options.usePort(await freePort())
    }
  }
}

/** A throwaway server on a loopback port, its files in a temp dir. */
export interface ThrowawayServer {
  readonly url: string
  readonly port: number
  /** The temp dir holding its data and log; removed by destroy(). */
  readonly dir: string
  /** The server's pid while it runs. */
  readonly pid: number | undefined
  /** Stop it and remove its dir. Idempotent. */
  destroy(): Promise<void>
}

/** Run every pending cleanup synchronously now (used by the global setup's signal handlers). */
export function cleanupAllSync() {
  for (const fn of [...exitCleanups]) {
    try {
      fn()
    } catch {}
    exitCleanups.delete(fn)
  }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

/** Directory holding initdb, pg_ctl and postgres: PATH first, then /usr/lib/postgresql/<newest>/bin. */
export function findPostgresBinDir(): string {
  const fromEnv = process.env.PG_BIN_DIR
  if (fromEnv && isExecutable(path.join(fromEnv, 'initdb'))) return fromEnv
  const onPath = which('initdb')
  if (onPath) {
    const dir = path.dirname(realpathSync(onPath))
    if (isExecutable(path.join(dir, 'pg_ctl'))) return dir
  }
  const base = '/usr/lib/postgresql'
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => isExecutable(path.join(base, v, 'bin', 'initdb')))
        .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))
    : []
  if (versions[0]) return path.join(base, versions[0], 'bin')
  throw new TestServiceError(
    'PostgreSQL server binaries not found: no `initdb`/`pg_ctl` on PATH or in /usr/lib/postgresql/*/bin. ' +
      'Install them (Debian: `apt-get install -y postgresql`) or set DATABASE_URL to an existing server ' +
      '(e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres).',
  )
}

export function postgresUserIds(): { uid: number; gid: number } {
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' })
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' })
  if (uid.status !== 0 || gid.status !== 0) {
    throw new TestServiceError(
      'Running as root, and initdb/postgres refuse to run as root, but there is no `postgres` user to run them as. ' +
        'Create one (`useradd --system --create-home postgres`; the Debian postgresql packages do this) or set DATABASE_URL.',
    )
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) }
}

/** Command + args that run `file args` as the postgres user when we are root, directly otherwise. */
export function asPostgres(file: string, args: string[]): [string, string[]] {
  if (!isRoot()) return [file, args]
  const runuser = which('runuser') ?? (isExecutable('/usr/sbin/runuser') ? '/usr/sbin/runuser' : undefined)
  if (runuser) return [runuser, ['-u', 'postgres', '--', file, ...args]]
  return ['su', ['postgres', '-s', '/bin/sh', '-c', [file, ...args].map(shellQuote).join(' ')]]
}

async function run(file: string, args: string[], what: string, log?: string) {
  const [cmd, argv] = asPostgres(file, args)
  try {
    await execFileAsync(cmd, argv, { env: { ...process.env, LC_ALL: 'C' }, timeout: 60_000 })
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string }
    const detail = [e.stderr, e.stdout].filter(Boolean).join('\n').trim() || e.message
    throw new TestServiceError(`${what} failed: ${detail}${log ? `\n--- ${log} ---\n${tail(log)}` : ''}`)
  }
}

export interface PostgresServer extends ThrowawayServer {
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust auth, superuser `postgres`). */
  readonly url: string
  /**
   * Stop the server, keeping its data. fast (default): disconnect clients, checkpoint; immediate:
   * like a crash, recovered at the next start (with synchronous_commit=off the last commits may be lost).
   */
  stop(mode?: 'fast' | 'immediate'): Promise<void>
  /** Start it again on the same port with the same data. */
  start(): Promise<void>
}

export interface PostgresServerOptions {
  port?: number
  maxConnections?: number
}

/** initdb + pg_ctl a throwaway PostgreSQL on a free loopback port (fsync off, trust auth). */
export async function spawnPostgresServer(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  const binDir = findPostgresBinDir()
  const ids = isRoot() ? postgresUserIds() : undefined
  const dir = mkdtempSync(path.join(os.tmpdir(), 'metered-pg-'))
  if (ids) chownSync(dir, ids.uid, ids.gid)
  const data = path.join(dir, 'data')
  const log = path.join(dir, 'postgres.log')
  const pgCtl = path.join(binDir, 'pg_ctl')

  const postmasterPid = (): number | undefined => {
    try {
      const pid = Number(readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0])
      return pid > 0 && pidAlive(pid) ? pid : undefined
    } catch {
      return undefined
    }
  }
  const killSync = () => {
    const pid = postmasterPid()
    if (pid) {
      try {
        process.kill(pid, 'SIGQUIT') // immediate shutdown
      } catch {}
      const until = Date.now() + 5_000
      while (pidAlive(pid) && Date.now() < until) spawnSync('sleep', ['0.05'])
    }
    rmSync(dir, { recursive: true, force: true })
  }
  const releaseGuard = guardServer(
    killSync,
    `p=$(head -n1 ${shellQuote(path.join(data, 'postmaster.pid'))} 2>/dev/null); ` +
      `if [ -n "$p" ]; then kill -QUIT "$p" 2>/dev/null; i=0; while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; fi; ` +
      `rm -rf ${shellQuote(dir)}`,
  )

  let port = options.port ?? (await freePort())
  let destroyed = false

  const destroy = async () => {
    if (destroyed) return
    destroyed = true
    try {
      if (postmasterPid()) await run(pgCtl, ['-D', data, '-m', 'immediate', '-w', '-t', '30', 'stop'], 'pg_ctl stop')
    } catch {}
    killSync()
    releaseGuard()
  }

  const start = async () => {
    if (destroyed) throw new TestServiceError('this PostgreSQL server was destroyed')
    if (postmasterPid()) return
    await run(pgCtl, ['-D', data, '-l', log, '-w', '-t', '60', '-o', `-p ${port}`, 'start'], 'pg_ctl start', log)
  }

  try {
    await run(
      path.join(binDir, 'initdb'),
      ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'],
      'initdb',
    )
    // Settings go into postgresql.conf so that start() after stop() keeps them.
    const conf = [
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${dir}'`,
      `max_connections = ${options.maxConnections ?? 200}`,
      'fsync = off',
      'synchronous_commit = off',
      'full_page_writes = off',
      "shared_buffers = '128MB'",
      'max_locks_per_transaction = 256',
      "log_min_messages = 'warning'",
      "timezone = 'UTC'",
    ].join('\n')
    appendFileSync(path.join(data, 'postgresql.conf'), `\n${conf}\n`)
    await startOnFreePort(start, {
      chosenPort: options.port !== undefined,
      log,
      busy: /could not (bind|create listen)/i,
      usePort: (free) => {
        port = free
      },
    })
  } catch (error) {
    await destroy()
    throw error
  }

  return {
    get url() {
      return `postgres://postgres@127.0.0.1:${port}/postgres`
    },
    get port() {
      return port
    },
    dir,
    get pid() {
      return postmasterPid()
    },
    async stop(mode = 'fast') {
      if (!postmasterPid()) return
      await run(pgCtl, ['-D', data, '-m', mode, '-w', '-t', '60', 'stop'], 'pg_ctl stop', log)
    },
    start,
    destroy,
  }
}

// ---------------------------------------------------------------------------------------------
// Redis

export function findRedisServer(): string {
  return findBinary(
    'REDIS_SERVER_BIN',
    'redis-server',
    ['/usr/bin/redis-server', '/usr/local/bin/redis-server'],
    '`redis-server` not found on PATH. Install it (Debian: `apt-get install -y redis-server`) ' +
      'or set REDIS_URL to an existing server (e.g. REDIS_URL=redis://127.0.0.1:6379).',
  )
}

export interface RedisServer extends ThrowawayServer {
  /** redis://127.0.0.1:<port> */
  readonly url: string
  /** Stop it (SIGTERM: clean shutdown; SIGKILL: like a crash). Data is not persisted. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>
  /** Start it again on the same port (empty). */
  start(): Promise<void>
}

export interface RedisServerOptions {
  port?: number
  /** Extra redis-server arguments, e.g. ['--maxmemory', '10mb']. */
  args?: string[]
}

/** A private redis-server on a free loopback port: no persistence, temp dir. */
export async function spawnRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const bin = findRedisServer()
  const dir = mkdtempSync(path.join(os.tmpdir(), 'metered-redis-'))
  const log = path.join(dir, 'redis.log')
  let port = options.port ?? (await freePort())
  let child: ReturnType<typeof spawn> | undefined
  let exited: Promise<void> = Promise.resolve()
  let destroyed = false

  const killSync = () => {
    if (child?.pid && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(child.pid, 'SIGKILL')
      } catch {}
    }
    rmSync(dir, { recursive: true, force: true })
  }
  const releaseGuard = guardServer(
    killSync,
    `p=$(cat ${shellQuote(path.join(dir, 'redis.pid'))} 2>/dev/null); [ -n "$p" ] && kill -9 "$p" 2>/dev/null; rm -rf ${shellQuote(dir)}`,
  )

  const running = () => !!child && child.exitCode === null && child.signalCode === null

  const start = async () => {
    if (destroyed) throw new TestServiceError('this Redis server was destroyed')
    if (running()) return
    // biome-ignore format: one option and its value per line pair
    const args = [
      '--port', String(port), '--bind', '127.0.0.1', '--protected-mode', 'no',
      '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no',
      '--pidfile', path.join(dir, 'redis.pid'), '--logfile', log,
      ...(options.args ?? []),
    ]
    const proc = spawn(bin, args, { stdio: 'ignore' })
    child = proc
    let exitedEarly = false
    exited = new Promise<void>((resolve) => {
      proc.once('exit', () => {
        exitedEarly = true
        resolve()
      })
      proc.once('error', () => {
        exitedEarly = true
        resolve()
      })
    })
    proc.unref()
    const until = Date.now() + 15_000
    for (;;) {
      if (exitedEarly) throw new TestServiceError(`redis-server exited at start (port ${port}):\n${tail(log)}`)
      try {
        const url = `redis://127.0.0.1:${port}`
        if ((await withRedis(url, (r) => r.ping(), { connectTimeoutMs: 1000 })) === 'PONG') return
      } catch {}
      if (Date.now() > until) {
        proc.kill('SIGKILL')
        throw new TestServiceError(`redis-server did not answer PING within 15 s (port ${port}):\n${tail(log)}`)
      }
      await sleep(20)
    }
  }

  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') => {
    if (!running()) return
    child!.kill(signal)
    const timer = setTimeout(() => child?.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(timer)
  }

  const destroy = async () => {
    if (destroyed) return
    destroyed = true
    await stop('SIGKILL').catch(() => {})
    killSync()
    releaseGuard()
  }

  try {
    await startOnFreePort(start, {
      chosenPort: options.port !== undefined,
      log,
      busy: /address already in use|bind/i,
      usePort: (free) => {
        port = free
      },
    })
  } catch (error) {
    await destroy()
    throw error
  }

  return {
    get url() {
      return `redis://127.0.0.1:${port}`
    },
    get port() {
      return port
    },
    dir,
    get pid() {
      return running() ? child!.pid : undefined
    },
    stop,
    start,
    destroy,
  }
}
