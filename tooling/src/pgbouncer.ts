// A throwaway PgBouncer in transaction mode in front of a PostgreSQL server: how Neon's and
// Supabase's pooled URLs behave. Each transaction (each statement outside one) may run on a
// different server connection, so anything that keeps state in a session (SET, session advisory
// locks, temp tables, LISTEN, named prepared statements: PgBouncer 1.18 forwards none of them)
// breaks behind it. Tests run the stores through it to show they keep none.
import { spawn } from 'node:child_process'
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {
  findBinary,
  freePort,
  guardServer,
  isRoot,
  pidAlive,
  postgresUserIds,
  shellQuote,
  sleep,
  startOnFreePort,
  TestServiceError,
  type ThrowawayServer,
  tail,
} from './servers.js'

export function findPgBouncer(): string {
  return findBinary(
    'PGBOUNCER_BIN',
    'pgbouncer',
    ['/usr/sbin/pgbouncer'],
    '`pgbouncer` not found (PATH or /usr/sbin). Install it (Debian: `apt-get install -y pgbouncer`) ' +
      'or set PGBOUNCER_URL to a PgBouncer in transaction mode in front of DATABASE_URL.',
  )
}

export interface PgBouncerServer extends ThrowawayServer {
  /** postgres://<user>:<password>@127.0.0.1:<port>/postgres; any database name of the server works. */
  readonly url: string
}

export interface PgBouncerOptions {
  /** The PostgreSQL server to pool, e.g. the test server's DATABASE_URL. Its user logs in to PgBouncer. */
  serverUrl: string
  /**
   * Server connections per (database, user). Smaller than a test's client pool, so clients really
   * share server connections.
   * @default 10
   */
  poolSize?: number
}

/** Password clients give PgBouncer when `serverUrl` has none (the test server trusts loopback). */
const DEFAULT_PASSWORD = 'metered'

/** Starts pgbouncer on a free loopback port, transaction pooling, SCRAM auth from its own auth file. */
export async function spawnPgBouncer(options: PgBouncerOptions): Promise<PgBouncerServer> {
  const bin = findPgBouncer()
  const server = new URL(options.serverUrl)
  const user = decodeURIComponent(server.username || 'postgres')
  const password = decodeURIComponent(server.password) || DEFAULT_PASSWORD
  const dir = mkdtempSync(path.join(os.tmpdir(), 'metered-pgbouncer-'))
  const pidFile = path.join(dir, 'pgbouncer.pid')
  const log = path.join(dir, 'pgbouncer.log')
  const ids = isRoot() ? postgresUserIds() : undefined
  let port = await freePort()

  const quote = (v: string) => `"${v.replaceAll('"', '""')}"`
  writeFileSync(path.join(dir, 'userlist.txt'), `${quote(user)} ${quote(password)}\n`)
  const writeConfig = () =>
    writeFileSync(
      path.join(dir, 'pgbouncer.ini'),
      [
        '[databases]',
        // every database name is passed through to the same server
        `* = host=${server.hostname} port=${server.port || 5432}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${port}`,
        "unix_socket_dir = ''",
        'pool_mode = transaction',
        `default_pool_size = ${options.poolSize ?? 10}`,
        'max_client_conn = 2000',
        'auth_type = scram-sha-256',
        `auth_file = ${path.join(dir, 'userlist.txt')}`,
        `logfile = ${log}`,
        `pidfile = ${pidFile}`,
        // node-postgres and Neon's driver send no startup options PgBouncer would refuse; psql's
        // extra_float_digits would be one.
        'ignore_startup_parameters = extra_float_digits',
        'server_reset_query =',
        'log_connections = 0',
        'log_disconnections = 0',
        '',
      ].join('\n'),
    )
  if (ids) {
    chownSync(dir, ids.uid, ids.gid)
    for (const f of ['userlist.txt']) chownSync(path.join(dir, f), ids.uid, ids.gid)
  }

  const readPid = (): number | undefined => {
    try {
      const pid = Number(readFileSync(pidFile, 'utf8').trim())
      return pid > 0 && pidAlive(pid) ? pid : undefined
    } catch {
      return undefined
    }
  }
  let child: ReturnType<typeof spawn> | undefined
  const childPid = () => (child && child.exitCode === null && child.signalCode === null ? child.pid : undefined)
  const killSync = () => {
    const pid = childPid() ?? readPid()
    if (pid) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {}
    }
    rmSync(dir, { recursive: true, force: true })
  }
  const releaseGuard = guardServer(
    killSync,
    `p=$(cat ${shellQuote(pidFile)} 2>/dev/null); [ -n "$p" ] && kill -9 "$p" 2>/dev/null; rm -rf ${shellQuote(dir)}`,
  )
  let destroyed = false
  const destroy = async () => {
    if (destroyed) return
    destroyed = true
    const pid = childPid()
    if (pid) {
      child?.kill('SIGINT') // PgBouncer's "safe shutdown" waits for clients; SIGINT is the fast one
      const until = Date.now() + 5_000
      while (childPid() && Date.now() < until) await sleep(20)
    }
    killSync()
    releaseGuard()
  }

  const accepts = () =>
    new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1')
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })

  const start = async () => {
    writeConfig()
    if (ids) chownSync(path.join(dir, 'pgbouncer.ini'), ids.uid, ids.gid)
    // as root, -u drops to the postgres user (PgBouncer refuses to run as root)
    const args = [...(ids ? ['-u', 'postgres'] : []), path.join(dir, 'pgbouncer.ini')]
    const proc = spawn(bin, args, { stdio: 'ignore' })
    child = proc
    proc.on('error', () => {})
    proc.unref()
    const until = Date.now() + 15_000
    while (Date.now() < until) {
      if (proc.exitCode !== null || proc.signalCode !== null) break
      if (await accepts()) return
      await sleep(20)
    }
    proc.kill('SIGKILL')
    throw new TestServiceError(`pgbouncer did not start (port ${port}):\n${tail(log)}`)
  }

  try {
    await startOnFreePort(start, {
      chosenPort: false,
      log,
      busy: /bind|address already in use/i,
      usePort: (free) => {
        port = free
      },
    })
  } catch (error) {
    await destroy()
    throw error
  }

  const url = new URL(options.serverUrl)
  url.username = encodeURIComponent(user)
  url.password = encodeURIComponent(password)
  url.hostname = '127.0.0.1'
  url.port = String(port)
  if (url.pathname === '' || url.pathname === '/') url.pathname = '/postgres'
  return {
    url: url.toString(),
    port,
    dir,
    get pid() {
      return childPid()
    },
    destroy,
  }
}
