// limit() throughput and latency of @metered/redis against the usual peers, on one local
// redis-server in one run, same transport on both sides:
//   REST (@upstash/redis through the loopback bridge): @upstash/ratelimit
//   TCP (ioredis): rate-limiter-flexible's RateLimiterRedis
// and a 3-rule call against three peer limiters called one after the other.
//
//   pnpm --filter @metered/bench redis-limit            (starts its own redis-server)
//   REDIS_URL=redis://127.0.0.1:6379 pnpm --filter @metered/bench redis-limit
//   BENCH_CALLS=5000 ... to change the number of calls per measurement

import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { createLimiter, createMetered, fixedWindow, type Rules, slidingWindow, tokenBucket } from '@metered/core'
import { createRedisStores, fromIoredis, fromUpstash } from '@metered/redis'
import { spawnRedisServer } from '@metered/tooling'
import { Ratelimit } from '@upstash/ratelimit'
import { Redis as Upstash } from '@upstash/redis'
import { Redis as IoRedis } from 'ioredis'
import { RateLimiterRedis } from 'rate-limiter-flexible'
import { check, writeResult } from './result.js'

type Call = (key: string) => Promise<unknown>
interface Figures {
  opsPerSec: number
  p50: number
  p99: number
}

const CALLS = Number(process.env.BENCH_CALLS ?? 2000)
const IN_FLIGHT = 32
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const KEYS = 1000 // identifiers rotate, like users do
const BIG = 1_000_000_000 // every call is admitted on both sides: the same work each time

const key = (i: number) => `user:${i % KEYS}`

async function throughput(call: Call): Promise<number> {
  let next = 0
  const start = performance.now()
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < CALLS) await call(key(next++))
    }),
  )
  return CALLS / ((performance.now() - start) / 1000)
}

async function latency(call: Call): Promise<{ p50: number; p99: number }> {
  const times: number[] = []
  const n = Math.max(200, Math.floor(CALLS / 3))
  for (let i = 0; i < n; i++) {
    const start = performance.now()
    await call(key(i))
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!
  return { p50: at(0.5), p99: at(0.99) }
}

async function measure(call: Call): Promise<Figures> {
  for (let i = 0; i < 200; i++) await call(key(i)) // warm-up: scripts loaded, connections open
  const opsPerSec = await throughput(call)
  return { opsPerSec, ...(await latency(call)) }
}

const rows: string[][] = []
const results: Array<{ name: string; ours: Figures; peer: Figures }> = []
const ONLY = process.env.BENCH_ONLY // run only the scenarios whose name contains this

async function compare(name: string, ours: Call, peer: Call): Promise<void> {
  if (ONLY && !name.includes(ONLY)) return
  // Alternate the sides over several rounds and keep each side's best figures: the machine is
  // shared (tests, other processes), and noise only ever makes a run slower.
  const ours_: Figures[] = []
  const peer_: Figures[] = []
  for (let round = 0; round < ROUNDS; round++) {
    ours_.push(await measure(ours))
    peer_.push(await measure(peer))
  }
  const best = (fs: Figures[]): Figures => ({
    opsPerSec: Math.max(...fs.map((f) => f.opsPerSec)),
    p50: Math.min(...fs.map((f) => f.p50)),
    p99: Math.min(...fs.map((f) => f.p99)),
  })
  const o = best(ours_)
  const p = best(peer_)
  results.push({ name, ours: o, peer: p })
  rows.push([
    name,
    o.opsPerSec.toFixed(0),
    p.opsPerSec.toFixed(0),
    `${(o.opsPerSec / p.opsPerSec).toFixed(2)}x`,
    `${o.p50.toFixed(3)} / ${o.p99.toFixed(3)}`,
    `${p.p50.toFixed(3)} / ${p.p99.toFixed(3)}`,
    `${(p.p50 / o.p50).toFixed(2)}x`,
  ])
  console.log(`done: ${name}`)
}

function print(): void {
  const head = ['scenario', 'ours ops/s', 'peer ops/s', 'throughput', 'ours p50/p99 ms', 'peer p50/p99 ms', 'p50']
  const all = [head, ...rows]
  const width = head.map((_, i) => Math.max(...all.map((r) => r[i]!.length)))
  for (const r of all) console.log(r.map((c, i) => c.padEnd(width[i]!)).join('  '))
  console.log(
    `\n${CALLS} calls per throughput run (${IN_FLIGHT} in flight), ${Math.max(200, Math.floor(CALLS / 3))} sequential calls for latency;`,
  )
  console.log(
    'ratios are ours / peer for throughput and peer / ours for p50 latency: above 1.00x means metered is faster.',
  )
}

/** The REST bridge in a child process (see redis-bridge-process.ts). */
async function startBridgeProcess(redisUrl: string): Promise<{ url: string; token: string; close(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', new URL('./redis-bridge-process.ts', import.meta.url).pathname, redisUrl],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  )
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve)
    child.once('exit', () => reject(new Error('the bridge process exited')))
  })
  const { url, token } = JSON.parse(line) as { url: string; token: string }
  return {
    url,
    token,
    // the bridge exits when its stdin closes; killed if it has not within 2 s (open keep-alive
    // sockets), so a failed run still ends
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        const kill = setTimeout(() => child.kill('SIGKILL'), 2000)
        child.once('exit', () => {
          clearTimeout(kill)
          resolve()
        })
        child.stdin!.end()
      }),
  }
}

async function main(): Promise<void> {
  const server = process.env.REDIS_URL ? undefined : await spawnRedisServer()
  const url = process.env.REDIS_URL ?? server!.url
  const bridge = await startBridgeProcess(url)
  const upstash = new Upstash({ url: bridge.url, token: bridge.token, enableTelemetry: false })
  const io = new IoRedis(url)
  let n = 0
  const prefix = () => `bench${Date.now().toString(36)}${n++}:`
  try {
    const restStore = () => createRedisStores(fromUpstash(upstash), { prefix: prefix() }).limiterStore
    const tcpStore = () => createRedisStores(fromIoredis(io), { prefix: prefix() }).limiterStore
    const ours = (store: ReturnType<typeof restStore>, rules: Rules): Call => {
      const limiter = createLimiter({ store, rules, timeout: '10 s' })
      return async (k) => {
        const r = await limiter.limit(k)
        check(r.ok, `limit(${k}) refused under a limit of ${BIG}`)
      }
    }
    const upstashLimit = (limiter: Ratelimit['limiter'] extends infer L ? L : never): Call => {
      const rl = new Ratelimit({ redis: upstash, limiter: limiter as never, prefix: prefix(), ephemeralCache: false })
      return async (k) => {
        const r = await rl.limit(k)
        check(r.success, `@upstash/ratelimit refused ${k} under a limit of ${BIG}`)
      }
    }

    console.log(`redis ${url}, REST bridge ${bridge.url}\n`)
    await compare(
      'REST slidingWindow vs @upstash/ratelimit',
      ours(restStore(), { m: slidingWindow({ limit: BIG, window: '1 m' }) }),
      upstashLimit(Ratelimit.slidingWindow(BIG, '60 s')),
    )
    await compare(
      'REST fixedWindow vs @upstash/ratelimit',
      ours(restStore(), { m: fixedWindow({ limit: BIG, window: '1 m' }) }),
      upstashLimit(Ratelimit.fixedWindow(BIG, '60 s')),
    )
    await compare(
      'REST tokenBucket vs @upstash/ratelimit',
      ours(restStore(), { b: tokenBucket({ capacity: BIG, refillEvery: '1 s', refillAmount: 1000 }) }),
      upstashLimit(Ratelimit.tokenBucket(1000, '1 s', BIG)),
    )
    const three = [
      upstashLimit(Ratelimit.tokenBucket(1000, '1 s', BIG)),
      upstashLimit(Ratelimit.slidingWindow(BIG, '60 s')),
      upstashLimit(Ratelimit.fixedWindow(BIG, '86400 s')),
    ]
    await compare(
      'REST 3 rules vs 3 sequential @upstash/ratelimit',
      ours(restStore(), {
        burst: tokenBucket({ capacity: BIG, refillEvery: '1 s', refillAmount: 1000 }),
        minute: slidingWindow({ limit: BIG, window: '1 m' }),
        day: fixedWindow({ limit: BIG, window: '1 d' }),
      }),
      async (k) => {
        for (const limit of three) await limit(k)
      },
    )

    // One-step authorize (rules + balance + hold in one script) against the two-step path
    // createMetered takes without an authorizer (limit, then reserve): ours against ours.
    const meteredOver = async (oneStep: boolean): Promise<Call> => {
      const stores = createRedisStores(fromUpstash(upstash), { prefix: prefix() })
      const limiter = createLimiter({
        store: stores.limiterStore,
        rules: {
          minute: slidingWindow({ limit: BIG, window: '1 m' }),
          day: fixedWindow({ limit: BIG, window: '1 d' }),
        },
        timeout: '10 s',
      })
      const metered = createMetered({ ledger: stores.ledger, limiter, authorizer: oneStep ? stores.authorizer : null })
      // every account funded before anything is measured
      await Promise.all(
        Array.from({ length: KEYS }, (_, i) =>
          stores.ledger.grant({ account: key(i), amount: BIG, source: 'bench', idempotencyKey: `fund:${i}` }),
        ),
      )
      return async (k) => {
        const r = await metered.authorize({ account: k, feature: 'bench', price: 1 })
        if (!r.ok) throw new Error(`authorize refused: ${r.reason}`)
      }
    }
    if (!ONLY || 'authorize'.includes(ONLY) || ONLY.includes('authorize')) {
      await compare(
        'REST authorize one step vs limit() then debit (2 rules)',
        await meteredOver(true),
        await meteredOver(false),
      )
    }

    const flexible = (duration: number): Call => {
      const rl = new RateLimiterRedis({ storeClient: io, points: BIG, duration, keyPrefix: prefix() })
      return (k) => rl.consume(k)
    }
    await compare(
      'TCP fixedWindow vs rate-limiter-flexible',
      ours(tcpStore(), { m: fixedWindow({ limit: BIG, window: '1 m' }) }),
      flexible(60),
    )
    // The store port alone, which checks each request itself (createLimiter plans checked
    // requests and calls the driver under it), without createLimiter's timeout and result.
    const direct = tcpStore()
    const minute = fixedWindow({ limit: BIG, window: '1 m' })
    await compare(
      'TCP fixedWindow store.consume() vs rate-limiter-flexible',
      async (k) => {
        const r = await direct.consume({ items: [{ key: k, name: 'm', rule: minute, cost: 1 }] })
        check(r.allowed, `store.consume(${k}) refused under a limit of ${BIG}`)
      },
      flexible(60),
    )
    const flex3 = [flexible(1), flexible(60), flexible(86_400)]
    await compare(
      'TCP 3 rules vs 3 sequential rate-limiter-flexible',
      ours(tcpStore(), {
        second: fixedWindow({ limit: BIG, window: '1 s' }),
        minute: fixedWindow({ limit: BIG, window: '1 m' }),
        day: fixedWindow({ limit: BIG, window: '1 d' }),
      }),
      async (k) => {
        for (const limit of flex3) await limit(k)
      },
    )
    // every admitted call was counted: a limit of 1000 on a fresh key admits exactly 1000
    const exact = createLimiter({ store: tcpStore(), rules: { m: fixedWindow({ limit: 1000, window: '1 h' }) } })
    const admitted = await Promise.all(Array.from({ length: 1200 }, () => exact.limit('exact').then((r) => r.ok)))
    check(
      admitted.filter(Boolean).length === 1000,
      `1200 concurrent calls under a limit of 1000 admitted ${admitted.filter(Boolean).length}`,
    )
    console.log()
    print()
    writeResult({ calls: CALLS, inFlight: IN_FLIGHT, rounds: ROUNDS, scenarios: results })
  } finally {
    io.disconnect()
    await bridge.close()
    await server?.destroy()
  }
}

await main()
