// A driver for profiling the metering hot path (not a benchmark: no bare baseline, no rounds).
//
//   node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof profile-metering.ts [calls] [mode]
//
// mode: 'core' (authorize + ticket.settle by hand, the default), 'next' (withCredits) or 'debit'
// (authorize with a fixed price). Open the .cpuprofile in Chrome DevTools or speedscope.

import { memoryMeteredNext, USERS } from './memory-app.mjs'

const CALLS = Number(process.argv[2] ?? 200_000)
const MODE = process.argv[3] ?? 'core'

const { stores, metered, pending } = await memoryMeteredNext()

const wrapped = metered.withCredits({ feature: 'generate', price: 0.001, body: 'json' }, async (_req, ctx) =>
  Response.json({ echo: (ctx.body as { prompt: string }).prompt.length }),
)

const start = performance.now()
for (let i = 0; i < CALLS; i++) {
  const account = `user-${i % USERS}`
  if (MODE === 'next') {
    // called as a plain function, outside Next.js: no route context (params are then {})
    const res = await wrapped(
      new Request('http://localhost/api/generate', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-user': account },
        body: '{"prompt":"Write a haiku about metering."}',
      }),
      undefined as never,
    )
    await res.arrayBuffer()
    await Promise.all(pending.splice(0))
  } else if (MODE === 'debit') {
    const auth = await metered.metered.authorize({ account, feature: 'generate', price: 0.001 })
    if (!auth.ok) throw new Error(auth.reason)
    await auth.ticket.settle()
  } else {
    const auth = await metered.metered.authorize({ account, feature: 'generate', estimate: 0.001 })
    if (!auth.ok) throw new Error(auth.reason)
    await auth.ticket.settle({ units: 1 })
  }
}
const us = ((performance.now() - start) / CALLS) * 1000
console.log(`${MODE}: ${us.toFixed(1)} µs/call over ${CALLS} calls`)
const verify = await stores.ledger.verify('user-0')
if (!verify.ok) throw new Error(`ledger invariant broken: ${verify.problems.join('; ')}`)
