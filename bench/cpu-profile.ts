// Where a process's own CPU goes while `work` runs, by part (a package, Node.js, GC): shares of the
// busy samples of V8's sampling profiler, so a machine whose speed moves between runs still gives
// comparable figures. Idle samples (waiting on the socket) are left out.

import { Session } from 'node:inspector/promises'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string }
}

/** Names the part a sampled frame belongs to from its script URL and function name. */
export type Classify = (url: string, functionName: string) => string

/** Shares (0..1) of busy CPU per part while `work` runs, largest first. */
export async function cpuShares(work: () => Promise<void>, classify: Classify): Promise<Array<[string, number]>> {
  const session = new Session()
  session.connect()
  try {
    await session.post('Profiler.enable')
    await session.post('Profiler.setSamplingInterval', { interval: 200 })
    await session.post('Profiler.start')
    await work()
    const { profile } = (await session.post('Profiler.stop')) as {
      profile: { nodes: ProfileNode[]; samples: number[] }
    }
    const part = new Map(profile.nodes.map((n) => [n.id, classify(n.callFrame.url, n.callFrame.functionName)]))
    const counts = new Map<string, number>()
    let busy = 0
    for (const id of profile.samples) {
      const p = part.get(id) ?? 'other'
      if (p === 'idle') continue
      counts.set(p, (counts.get(p) ?? 0) + 1)
      busy++
    }
    return [...counts].map(([p, n]): [string, number] => [p, n / busy]).sort((a, b) => b[1] - a[1])
  } finally {
    session.disconnect()
  }
}

/** The parts of a Node.js client calling a database: metered's packages, its libraries, Node. */
export function classifyClient(url: string, functionName: string): string {
  if (functionName === '(idle)') return 'idle'
  if (functionName === '(garbage collector)') return 'garbage collection'
  const dep = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1]
  if (dep?.startsWith('@metered/') || /\/packages\/[^/]+\/(?:dist|src)\//.test(url)) return 'metered (core + store)'
  if (dep === 'zod') return "zod (core's input check)"
  if (dep === 'kysely') return 'kysely'
  if (dep && /^(pg|pg-protocol|pg-pool|pg-types|pg-connection-string|postgres-)/.test(dep)) return 'pg and its protocol'
  if (dep === 'ioredis' || dep?.startsWith('@redis/') || dep === 'redis-parser') return 'redis client'
  if (url.startsWith('node:') || url === '') return 'Node.js (sockets, promises, timers, native)'
  return 'other'
}
