// Two builds of the packages in one process: core authorize+settle, withCredits and the bare
// handler, in interleaved chunks (so load on a shared machine falls on both alike), as CPU time.
//
//   AB_BEFORE=/path/to/other/checkout/packages node ab-wrapper.mjs
//   K=next,bare,core  R=chunks per path (300)  CH=calls per chunk (200)
// Both checkouts must be built (`pnpm build`). Prints mean and median CPU µs per call.
import { fileURLToPath } from 'node:url'

const A = process.env.AB_BEFORE
if (!A) throw new Error('AB_BEFORE: the packages directory of the build to compare against')
const B = process.env.AB_AFTER ?? fileURLToPath(new URL('../packages', import.meta.url))
async function load(root) {
  const core = await import(`${root}/core/dist/index.js`)
  const next = await import(`${root}/next/dist/index.js`)
  const stores = core.createMemoryStores()
  const pending = []
  const m = next.createMeteredNext({
    ...stores,
    limiter: core.createLimiter({
      store: stores.limiterStore,
      rules: { minute: core.slidingWindow({ limit: 1e9, window: '1 m' }) },
    }),
    unitsPerCredit: 1000,
    pricing: { generate: core.fixed(0.001) },
    identify: (req) => ({ id: req.headers.get('x-user') }),
    after: (t) => {
      pending.push(t)
    },
  })
  for (let u = 0; u < 100; u++)
    await stores.ledger.grant({ account: `user-${u}`, amount: 1e12, source: 'b', idempotencyKey: `g${u}` })
  const wrapped = m.withCredits({ feature: 'generate', price: 0.001, body: 'json' }, async (_r, ctx) =>
    Response.json({ n: ctx.body.prompt.length }),
  )
  const bare = async (req) => {
    const b = await req.json()
    return Response.json({ n: b.prompt.length })
  }
  return {
    async core(i) {
      const a = await m.metered.authorize({ account: `user-${i % 100}`, feature: 'generate', estimate: 0.001 })
      await a.ticket.settle({ units: 1 })
    },
    async next(i) {
      const r = await wrapped(req(i))
      await r.arrayBuffer()
      await Promise.all(pending.splice(0))
    },
    async bare(i) {
      const r = await bare(req(i))
      await r.arrayBuffer()
    },
  }
}
const req = (i) =>
  new Request('http://localhost/api/generate', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-user': `user-${i % 100}` },
    body: '{"prompt":"Write a haiku about metering."}',
  })
const a = await load(A),
  b = await load(B)
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
