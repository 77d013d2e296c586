// What one withCredits call costs, build by build, each in a process of its own (so one build's
// garbage is never collected on the other's time): CPU µs per call, young-generation collections
// per 1000 calls, and the bytes it allocates per call (V8's sampling heap profiler, objects
// collected since included), by the nearest function of the packages.
//
//   node bench/wrapper-alloc.mjs [packages dir ...]     (default: this checkout's packages/)
//   BARE=1 for the bare handler; TOP=n rows per build (12)
// Every packages dir must be built (`pnpm build`). Compare two checkouts:
//   node bench/wrapper-alloc.mjs /path/to/other/packages packages
import { execFileSync } from 'node:child_process'
import { Session } from 'node:inspector/promises'
import path from 'node:path'
import { PerformanceObserver } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { loadWrapperApp } from './memory-app.mjs'

const CALLS = 20_000

async function measure(root) {
  const app = await loadWrapperApp(root)
  const call = process.env.BARE ? app.bare : app.next
  for (let i = 0; i < 5000; i++) await call(i)

  let collections = 0
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.detail?.kind === 1) collections++ // minor (scavenge)
  })
  gc.observe({ entryTypes: ['gc'] })
  const cpu0 = process.cpuUsage()
  for (let i = 0; i < CALLS; i++) await call(i)
  const cpu = process.cpuUsage(cpu0)
  await new Promise((r) => setTimeout(r, 20))
  gc.disconnect()

  const session = new Session()
  session.connect()
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 512,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  })
  for (let i = 0; i < CALLS; i++) await call(i)
  const { profile } = await session.post('HeapProfiler.stopSampling')
  const own = new Map()
  let total = 0
  const walk = (node, nearest) => {
    const url = node.callFrame.url
    const here = url.includes(root)
      ? `${node.callFrame.functionName || '(anonymous)'} (${path.relative(root, fileURLToPath(url))})`
      : nearest
    total += node.selfSize
    const k = here ?? '(outside the packages)'
    own.set(k, (own.get(k) ?? 0) + node.selfSize)
    for (const c of node.children) walk(c, here)
  }
  walk(profile.head, null)
  return {
    cpuUs: (cpu.user + cpu.system) / CALLS,
    collectionsPer1000: (collections / CALLS) * 1000,
    bytes: total / CALLS,
    top: [...own].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, v / CALLS]),
  }
}

const here = path.dirname(fileURLToPath(import.meta.url))
if (process.env.WRAPPER_ALLOC_CHILD) {
  process.stdout.write(JSON.stringify(await measure(path.resolve(process.env.WRAPPER_ALLOC_CHILD))))
} else {
  const roots = process.argv.length > 2 ? process.argv.slice(2) : [path.join(here, '..', 'packages')]
  const top = Number(process.env.TOP ?? 12)
  for (const root of roots) {
    const out = execFileSync(process.execPath, ['--max-semi-space-size=8', fileURLToPath(import.meta.url)], {
      env: { ...process.env, WRAPPER_ALLOC_CHILD: path.resolve(root) },
      encoding: 'utf8',
    })
    const r = JSON.parse(out)
    console.log(
      `\n${root} (${process.env.BARE ? 'bare handler' : 'withCredits'}): ${r.cpuUs.toFixed(1)} µs CPU per call, ` +
        `${r.collectionsPer1000.toFixed(2)} scavenges per 1000 calls (8 MiB semi-space), ${(r.bytes / 1024).toFixed(1)} KiB allocated per call`,
    )
    for (const [k, v] of r.top.slice(0, top)) console.log(`${v.toFixed(0).padStart(7)} B  ${k}`)
  }
}
