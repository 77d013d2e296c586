// The limiter's own CPU per call, with a Redis client that answers at once (no socket): what
// createLimiter and the Redis driver cost around the round trip, without the round trip.
//
//   node --import tsx bench/limiter-js.ts        (BENCH_CALLS=300000 calls per measurement)

import { createLimiter, fixedWindow } from '@metered/core'
import { createRedisStores, fromIoredis } from '@metered/redis'
import { check } from './result.js'

const CALLS = Number(process.env.BENCH_CALLS ?? 300_000)
// what the one-rule limiter script answers for a call that finds no state: Redis TIME, and the
// empty state it read (lua/limiter-single.ts), as a JSON string
const reply = '"1700000000.000000/"'
const client = { evalsha: async () => reply, eval: async () => reply }
const store = createRedisStores(fromIoredis(client), { prefix: 'js:' }).limiterStore
const minute = fixedWindow({ limit: 1e9, window: '1 m' })
const limiter = createLimiter({ store, rules: { m: minute }, timeout: '10 s' })
const calls: Array<[string, (key: string) => Promise<unknown>]> = [
  [
    'limit(key)',
    async (k) => {
      const r = await limiter.limit(k)
      check(r.ok && r.remaining === 1e9 - 1, `limit answered ${JSON.stringify(r)}`)
    },
  ],
  [
    'store.consume(), the checking port',
    (k) => store.consume({ items: [{ key: k, name: 'm', rule: minute, cost: 1 }] }),
  ],
  ['the client alone', () => client.evalsha()],
]
for (let round = 0; round < 3; round++) {
  for (const [name, call] of calls) {
    for (let i = 0; i < 20_000; i++) await call(`user:${i % 1000}`)
    const cpu0 = process.cpuUsage()
    for (let i = 0; i < CALLS; i++) await call(`user:${i % 1000}`)
    const cpu = process.cpuUsage(cpu0)
    console.log(`${name.padEnd(36)} ${((cpu.user + cpu.system) / CALLS).toFixed(2)} µs of CPU per call`)
  }
}
