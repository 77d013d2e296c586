import { existsSync } from 'node:fs'
import { expect, it } from 'vitest'
import { startRedisCluster, withRedis } from '../src/index.js'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

it('starts six nodes as three masters with one replica each, all slots served, and stops them by pid', async () => {
  const cluster = await startRedisCluster()
  const pids = cluster.servers.map((s) => s.pid)
  try {
    expect(cluster.urls).toHaveLength(6)
    const roles = await Promise.all(
      cluster.urls.map((url) =>
        withRedis(url, (r) => r.sendCommand(['ROLE']).then((x) => String((x as unknown as unknown[])[0]))),
      ),
    )
    expect(roles.filter((r) => r === 'master')).toHaveLength(3)
    expect(roles.filter((r) => r === 'slave')).toHaveLength(3)
    const info = String(await withRedis(cluster.urls[0]!, (r) => r.sendCommand(['CLUSTER', 'INFO'])))
    expect(info).toMatch(/cluster_state:ok/)
    expect(info).toMatch(/cluster_slots_assigned:16384/)
    expect(info).toMatch(/cluster_known_nodes:6/)
  } finally {
    await cluster.destroy()
  }
  for (const pid of pids) expect(pid !== undefined && alive(pid)).toBe(false)
  for (const server of cluster.servers) expect(existsSync(server.dir)).toBe(false)
}, 180_000)
