// Where one `limit()` over TCP spends its time, against rate-limiter-flexible: CPU microseconds
// per call in this Node.js process and in redis-server (read from /proc/<pid>/stat), 32 calls in
// flight, each side interleaved over several rounds. CPU time, unlike calls per second, does not
// move with the load of a shared machine, so the split holds where the throughput ratio wobbles.
// Two floors frame it: an empty script through the same ioredis `evalsha` (what any script call
// costs both processes) and a plain GET.
//
//   pnpm --filter @metered/bench limiter-cost        (starts its own redis-server; Linux only)
//   BENCH_CALLS=60000 BENCH_ROUNDS=3 to change the calls per measurement and the rounds

import { readFileSync } from 'node:fs'
import { createLimiter, fixedWindow } from '@metered/core'
import { createRedisStores, fromIoredis } from '@metered/redis'
import { spawnRedisServer } from '@metered/tooling'
import { Redis as IoRedis } from 'ioredis'
import { RateLimiterRedis } from 'rate-limiter-flexible'
import { LIMITER_CONSUME_LUA } from '../packages/redis/src/lua/limiter-consume.js'
import { LIMITER_FIXED_LUA } from '../packages/redis/src/lua/limiter-single.js'
import { check, writeResult } from './result.js'

const CALLS = Number(process.env.BENCH_CALLS ?? 60_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const IN_FLIGHT = 32
const BIG = 1_000_000_000
const TICK_US = 1e6 / 100 // /proc reports CPU time in clock ticks of 10 ms on Linux

/** user + system CPU of a process, in microseconds. */
function processCpu(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) * TICK_US
}

type Call = (key: string) => Promise<unknown>
export interface CostRow {
  name: string
  /** CPU µs per call, medians over the rounds. */
  node: number
  redis: number
}

async function cost(call: Call, redisPid: number): Promise<{ node: number; redis: number }> {
  let next = 0
  const redis0 = processCpu(redisPid)
  const node0 = process.cpuUsage()
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < CALLS) await call(`user:${next++ % 1000}`)
    }),
  )
  const node = process.cpuUsage(node0)
  return { node: (node.user + node.system) / CALLS, redis: (processCpu(redisPid) - redis0) / CALLS }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

async function main(): Promise<void> {
  const server = await spawnRedisServer()
  const io = new IoRedis(server.url)
  try {
    const store = createRedisStores(fromIoredis(io), { prefix: 'cost:' }).limiterStore
    const minute = fixedWindow({ limit: BIG, window: '1 m' })
    const limiter = createLimiter({ store, rules: { m: minute }, timeout: '10 s' })
    const flexible = new RateLimiterRedis({ storeClient: io, points: BIG, duration: 60, keyPrefix: 'flex' })
    const empty = (await io.script('LOAD', 'return 1')) as string
    // what limit() with one fixed window sends, and the generic script that several rules use
    const fixed = (await io.script('LOAD', LIMITER_FIXED_LUA)) as string
    const fixedArgs = [String(BIG), '60000', '1']
    const generic = (await io.script('LOAD', LIMITER_CONSUME_LUA)) as string
    const genericArgs = ['f', String(BIG), '60000', '1']
    const calls: Array<[string, Call]> = [
      [
        'metered limit(), one fixed window',
        async (k) => check((await limiter.limit(k)).ok, `limit(${k}) refused under a limit of ${BIG}`),
      ],
      [
        'metered store.consume(), the checking port',
        async (k) => {
          const r = await store.consume({ items: [{ key: k, name: 'm', rule: minute, cost: 1 }] })
          check(r.allowed, `store.consume(${k}) refused`)
        },
      ],
      ['the same script by hand (ioredis evalsha)', (k) => io.evalsha(fixed, 1, `cost:rl:{${k}}:m`, ...fixedArgs)],
      ['the multi-rule script, one rule, by hand', (k) => io.evalsha(generic, 1, `cost:rl:{${k}}:m`, ...genericArgs)],
      ['rate-limiter-flexible consume()', (k) => flexible.consume(k)],
      ['floor: an empty script (evalsha)', (k) => io.evalsha(empty, 1, k)],
      ['floor: GET', (k) => io.get(k)],
    ]
    for (const [, call] of calls) for (let i = 0; i < 2000; i++) await call(`warm:${i % 1000}`)
    const samples = new Map<string, Array<{ node: number; redis: number }>>()
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, call] of calls) samples.set(name, [...(samples.get(name) ?? []), await cost(call, server.pid!)])
    }
    const rows: CostRow[] = calls.map(([name]) => {
      const s = samples.get(name)!
      return { name, node: median(s.map((x) => x.node)), redis: median(s.map((x) => x.redis)) }
    })
    console.log(`\nCPU µs per call, ${CALLS} calls with ${IN_FLIGHT} in flight, medians of ${ROUNDS} rounds\n`)
    console.log(`${''.padEnd(40)}${'Node.js'.padStart(9)}${'redis'.padStart(9)}`)
    for (const r of rows)
      console.log(`${r.name.padEnd(40)}${r.node.toFixed(1).padStart(9)}${r.redis.toFixed(1).padStart(9)}`)
    writeResult({ calls: CALLS, inFlight: IN_FLIGHT, rounds: ROUNDS, rows })
  } finally {
    io.disconnect()
    await server.destroy()
  }
}

await main()
