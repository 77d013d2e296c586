// A throwaway Redis Cluster on loopback for the tests that need one: six redis-server nodes
// (three masters, three replicas) joined by `redis-cli --cluster create`. Started on demand by
// those tests, never by the global setup, so the other tests do not pay for six servers.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { withRedis } from './redis-client.js'
import { findRedisServer, type RedisServer, sleep, spawnRedisServer, TestServiceError, which } from './servers.js'

const execFileAsync = promisify(execFile)

export interface RedisCluster {
  /** The nodes' loopback addresses, masters and replicas, as the cluster clients take them. */
  readonly nodes: ReadonlyArray<{ host: '127.0.0.1'; port: number }>
  /** redis://127.0.0.1:<port> of every node. */
  readonly urls: readonly string[]
  /** The node servers, e.g. to stop one. */
  readonly servers: readonly RedisServer[]
  /** Stop every node (by pid) and remove their dirs. Idempotent. */
  destroy(): Promise<void>
}

export interface RedisClusterOptions {
  /** Number of nodes; with one replica per master, so at least 6 (3 masters). @default 6 */
  nodes?: number
  /** How long to wait for `cluster info` to say `cluster_state:ok` on every node. @default 90000 */
  readyTimeoutMs?: number
}

function findRedisCli(): string {
  const bin = process.env.REDIS_CLI_BIN ?? which('redis-cli')
  if (bin) return bin
  throw new TestServiceError('`redis-cli` not found on PATH (Debian: `apt-get install -y redis-tools`).')
}

/** Starts the nodes, creates the cluster (one replica per master), waits until every node says ok. */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  const count = options.nodes ?? 6
  findRedisServer()
  const cli = findRedisCli()
  const servers: RedisServer[] = []
  const destroy = async () => {
    await Promise.all(servers.map((s) => s.destroy()))
  }
  try {
    for (let i = 0; i < count; i++) {
      // each node keeps its cluster config (nodes.conf) in its own temp dir
      servers.push(
        await spawnRedisServer({
          args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '5000'],
        }),
      )
    }
    const addresses = servers.map((s) => `127.0.0.1:${s.port}`)
    try {
      await execFileAsync(cli, ['--cluster', 'create', ...addresses, '--cluster-replicas', '1', '--cluster-yes'], {
        timeout: 60_000,
      })
    } catch (error) {
      const e = error as { stderr?: string; stdout?: string; message: string }
      throw new TestServiceError(`redis-cli --cluster create failed: ${e.stdout ?? ''}${e.stderr ?? e.message}`)
    }
    await waitForClusterOk(
      servers.map((s) => s.url),
      options.readyTimeoutMs ?? 90_000,
    )
  } catch (error) {
    await destroy()
    throw error
  }
  return {
    nodes: servers.map((s) => ({ host: '127.0.0.1' as const, port: s.port })),
    urls: servers.map((s) => s.url),
    servers,
    destroy,
  }
}

/** Polls `CLUSTER INFO` on every node until all say `cluster_state:ok` and know every slot. */
async function waitForClusterOk(urls: string[], timeoutMs: number) {
  const until = Date.now() + timeoutMs
  let last = ''
  for (;;) {
    const infos = await Promise.all(
      urls.map((url) =>
        withRedis(url, (r) => r.sendCommand(['CLUSTER', 'INFO']), { connectTimeoutMs: 1000 }).catch(String),
      ),
    )
    last = infos.map(String).join('\n---\n')
    const ok = infos.every(
      (info) => /cluster_state:ok/.test(String(info)) && /cluster_slots_ok:16384/.test(String(info)),
    )
    if (ok) return
    if (Date.now() > until) throw new TestServiceError(`Redis Cluster not ok within ${timeoutMs} ms:\n${last}`)
    await sleep(100)
  }
}
