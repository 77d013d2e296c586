// Two builds of the packages in one process: core authorize+settle, withCredits and the bare
// handler, in interleaved chunks (so load on a shared machine falls on both alike), as CPU time.
//
//   AB_BEFORE=/path/to/other/checkout/packages node ab-wrapper.mjs
//   K=next,bare,core  R=chunks per path (300)  CH=calls per chunk (200)
// Both checkouts must be built (`pnpm build`). Prints mean and median CPU µs per call.
import { fileURLToPath } from 'node:url'
import { loadWrapperApp } from './memory-app.mjs'

const A = process.env.AB_BEFORE
if (!A) throw new Error('AB_BEFORE: the packages directory of the build to compare against')
const B = process.env.AB_AFTER ?? fileURLToPath(new URL('../packages', import.meta.url))
const a = await loadWrapperApp(A),
  b = await loadWrapperApp(B)
const CH = Number(process.env.CH ?? 200),
  R = Number(process.env.R ?? 200)
const K = (process.env.K ?? 'next').split(',')
for (const x of [a, b]) for (const k of ['core', 'next', 'bare']) for (let i = 0; i < 3000; i++) await x[k](i)
const tot = {},
  per = {}
let n = 0
async function chunk(name, fn) {
  const t = process.cpuUsage()
  for (let i = 0; i < CH; i++) await fn(n + i)
  const u = process.cpuUsage(t)
  const v = (u.user + u.system) / CH
  tot[name] = (tot[name] ?? 0) + v
  per[name] = [...(per[name] ?? []), v]
}
for (let r = 0; r < R; r++) {
  for (const k of K) {
    if (r % 2) {
      await chunk(`before ${k}`, a[k])
      await chunk(`after  ${k}`, b[k])
    } else {
      await chunk(`after  ${k}`, b[k])
      await chunk(`before ${k}`, a[k])
    }
  }
  n += CH
}
for (const [k, v] of Object.entries(tot)) {
  const s = [...per[k]].sort((x, y) => x - y)
  console.log(k.padEnd(12), 'mean', (v / R).toFixed(1), 'median', s[Math.floor(s.length / 2)].toFixed(1), 'cpu µs/call')
}
