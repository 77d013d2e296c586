// Overhead of @metered/next's withCredits against the same route handler unwrapped, on the memory
// stores (so the figure is the wrapper's own cost: identify, body read, limiter, hold, headers,
// settle, usage event; not a database's).
//
//   pnpm --filter @metered/bench next-with-credits
//   BENCH_CALLS=50000 BENCH_UPSTREAM_MS=1 ... to change calls per round / the simulated upstream
//
// Two handlers are measured, each bare and wrapped:
//   trivial   parses the JSON body and answers JSON, 16 calls in flight: pure CPU, the worst case
//             for a ratio (the wrapper's whole cost against almost nothing)
//   upstream  the same plus an awaited BENCH_UPSTREAM_MS (default 1 ms) timer standing in for the
//             upstream call every metered route makes (an AI call takes 100-10000 ms), one call
//             at a time: the latency a user sees, as ops/s
// Rounds alternate bare and wrapped; the best round of each is reported (the machine may be
// shared). Every call's after() work (settle + usage event) is awaited inside the measurement.

import { createLimiter, createMemoryStores, fixed, slidingWindow } from '@metered/core'
import { createMeteredNext } from '@metered/next'

const CALLS = Number(process.env.BENCH_CALLS ?? 20_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const UPSTREAM_MS = Number(process.env.BENCH_UPSTREAM_MS ?? 1)
const USERS = 100

type Handler = (req: Request) => Promise<Response>

function setup() {
  const stores = createMemoryStores()
  const pending: Promise<unknown>[] = []
  const metered = createMeteredNext({
    ...stores,
    limiter: createLimiter({
      store: stores.limiterStore,
      rules: { minute: slidingWindow({ limit: 1_000_000_000, window: '1 m' }) },
    }),
    unitsPerCredit: 1000,
    pricing: { generate: fixed(0.001) },
    identify: (req) => {
      const id = req.headers.get('x-user')
      return id ? { id } : null
    },
    after: (task) => {
      pending.push(task)
    },
  })
  return { stores, metered, pending }
}

/** An upstream call as Node sees it: time passes, the CPU is free. */
function upstream(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve()
}

function request(i: number): Request {
  return new Request('http://localhost/api/generate', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-user': `user-${i % USERS}` },
    body: JSON.stringify({ prompt: 'Write a haiku about metering.' }),
  })
}

async function run(handler: Handler, calls: number, pending: Promise<unknown>[], inFlight: number): Promise<number> {
  let next = 0
  const start = performance.now()
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < calls) {
        const i = next++
        const res = await handler(request(i))
        if (res.status !== 200) throw new Error(`unexpected ${res.status}: ${await res.text()}`)
        await res.arrayBuffer()
        if (pending.length > 0) await Promise.all(pending.splice(0))
      }
    }),
  )
  return (calls / (performance.now() - start)) * 1000
}

async function measure(name: string, upstreamMs: number, calls: number, inFlight: number) {
  const { stores, metered, pending } = setup()
  for (let u = 0; u < USERS; u++) {
    await stores.ledger.grant({ account: `user-${u}`, amount: 1e12, source: 'bench', idempotencyKey: `g${u}` })
  }
  const bare: Handler = async (req) => {
    const body = (await req.json()) as { prompt: string }
    await upstream(upstreamMs)
    return Response.json({ echo: body.prompt.length })
  }
  const wrapped: Handler = metered.withCredits(
    { feature: 'generate', price: 0.001, body: 'json' },
    async (_req, ctx) => {
      await upstream(upstreamMs)
      return Response.json({ echo: (ctx.body as { prompt: string }).prompt.length })
    },
  )
  // warm up both paths (JIT, memory store maps)
  await run(bare, Math.min(2000, calls), pending, inFlight)
  await run(wrapped, Math.min(2000, calls), pending, inFlight)
  let bestBare = 0
  let bestWrapped = 0
  for (let r = 0; r < ROUNDS; r++) {
    bestBare = Math.max(bestBare, await run(bare, calls, pending, inFlight))
    bestWrapped = Math.max(bestWrapped, await run(wrapped, calls, pending, inFlight))
  }
  const overheadUs = (1 / bestWrapped - 1 / bestBare) * 1e6
  console.log(
    `${name.padEnd(9)} bare ${bestBare.toFixed(0).padStart(8)} ops/s   withCredits ${bestWrapped
      .toFixed(0)
      .padStart(8)} ops/s   ratio ${(bestBare / bestWrapped).toFixed(2)}x   overhead ${overheadUs.toFixed(1)} µs/call`,
  )
  const verify = await stores.ledger.verify('user-0')
  if (!verify.ok) throw new Error(`ledger invariant broken: ${verify.problems.join('; ')}`)
}

console.log(`withCredits vs bare handler, memory stores, best of ${ROUNDS} rounds, Node ${process.version}`)
await measure('trivial', 0, CALLS, 16)
await measure('upstream', UPSTREAM_MS, Math.max(500, Math.floor(CALLS / 20)), 1)
