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
// Rounds alternate bare and wrapped, many short rounds; the median of each and the median of the
// per-round ratios are reported, which holds up on a shared, noisy machine. Every call's after()
// work (settle + usage event) is awaited inside the measurement, so nothing is left out.

import { memoryMeteredNext, USERS } from './memory-app.mjs'
import { check, writeResult } from './result.js'

const CALLS = Number(process.env.BENCH_CALLS ?? 2_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 21)
const UPSTREAM_MS = Number(process.env.BENCH_UPSTREAM_MS ?? 1)

type Handler = (req: Request) => Promise<Response>

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
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
  const { stores, metered, pending } = await memoryMeteredNext()
  const bare: Handler = async (req) => {
    const body = (await req.json()) as { prompt: string }
    await upstream(upstreamMs)
    return Response.json({ echo: body.prompt.length })
  }
  const route = metered.withCredits({ feature: 'generate', price: 0.001, body: 'json' }, async (_req, ctx) => {
    await upstream(upstreamMs)
    return Response.json({ echo: (ctx.body as { prompt: string }).prompt.length })
  })
  // Called as a plain function, outside Next.js: no route context (params are then {}).
  const wrapped: Handler = (req) => route(req, undefined as never)
  // warm up both paths (JIT, memory store maps)
  await run(bare, Math.min(2000, calls), pending, inFlight)
  await run(wrapped, Math.min(2000, calls), pending, inFlight)
  // The same work done by hand with core's authorize + ticket.settle: the floor any integration
  // pays (two ledger calls, one limiter call, one usage event), so the wrapper's own share shows.
  const byHand: Handler = async (req) => {
    const body = (await req.json()) as { prompt: string }
    const id = req.headers.get('x-user') as string
    const auth = await metered.metered.authorize({ account: id, feature: 'generate', estimate: 0.001 })
    if (!auth.ok) return new Response(null, { status: 402 })
    await upstream(upstreamMs)
    pending.push(auth.ticket.settle({ units: 1 }))
    return Response.json({ echo: body.prompt.length })
  }
  await run(byHand, Math.min(2000, calls), pending, inFlight)
  const coreRuns: number[] = []
  const bareRuns: number[] = []
  const wrappedRuns: number[] = []
  const ratios: number[] = []
  for (let r = 0; r < ROUNDS; r++) {
    const b = await run(bare, calls, pending, inFlight)
    const w = await run(wrapped, calls, pending, inFlight)
    coreRuns.push(await run(byHand, calls, pending, inFlight))
    bareRuns.push(b)
    wrappedRuns.push(w)
    ratios.push(b / w)
  }
  const bareOps = median(bareRuns)
  const wrappedOps = median(wrappedRuns)
  const overheadUs = (1 / wrappedOps - 1 / bareOps) * 1e6
  const coreOps = median(coreRuns)
  const wrapperUs = (1 / wrappedOps - 1 / coreOps) * 1e6
  console.log(
    `${name.padEnd(9)} bare ${bareOps.toFixed(0).padStart(6)} ops/s | withCredits ${wrappedOps.toFixed(0).padStart(6)} ops/s | ` +
      `ratio ${median(ratios).toFixed(2)}x (median of ${ROUNDS} rounds) | +${overheadUs.toFixed(0)} µs/call, of which ` +
      `core authorize+settle by hand (${coreOps.toFixed(0)} ops/s) ${(overheadUs - wrapperUs).toFixed(0)} µs, the wrapper ${wrapperUs.toFixed(0)} µs`,
  )
  const verify = await stores.ledger.verify('user-0')
  check(verify.ok, `ledger invariant broken: ${verify.problems.join('; ')}`)
  return { name, bareOps, wrappedOps, ratio: median(ratios), overheadUs, coreUs: overheadUs - wrapperUs, wrapperUs }
}

console.log(`withCredits vs bare handler, memory stores, Node ${process.version}`)
const trivial = await measure('trivial', 0, CALLS, 16)
const upstreamRow = await measure('upstream', UPSTREAM_MS, Math.max(100, Math.floor(CALLS / 10)), 1)
writeResult({ calls: CALLS, rounds: ROUNDS, upstreamMs: UPSTREAM_MS, trivial, upstream: upstreamRow })
