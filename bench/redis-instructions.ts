// redis-server instructions per limiter call, counted by valgrind's callgrind: a figure the
// machine's load does not move (CPU seconds on a shared 2-core machine do, by 2x between runs).
// Each script is sent by hand through ioredis, 32 in flight, after a warm-up; the counters are
// zeroed before and dumped after each variant.
//
//   pnpm --filter @metered/bench redis-instructions        (needs valgrind and redis-server)
//   N=5000 ... calls per variant (3000)
// Meaning of the rows: docs/benchmarks.md, "Where a goal is not met".

import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createLimiter, fixedWindow } from '@metered/core'
import { createRedisStores, fromIoredis } from '@metered/redis'
import { findRedisServer, freePort } from '@metered/tooling'
import { Redis as IoRedis } from 'ioredis'
import { RateLimiterRedis } from 'rate-limiter-flexible'
import { LIMITER_CONSUME_LUA } from '../packages/redis/src/lua/limiter-consume.js'
import { LIMITER_FIXED_LUA } from '../packages/redis/src/lua/limiter-single.js'

const N = Number(process.env.N ?? 3000)
const BIG = '1000000000' // every call is admitted: the same work each time
const WINDOW = '60000'

const port = await freePort()
const dir = mkdtempSync(path.join(tmpdir(), 'metered-callgrind-'))
const server = spawn(
  'valgrind',
  ['--tool=callgrind', `--callgrind-out-file=${dir}/cg.%p`, findRedisServer(), '--port', String(port), '--save', ''],
  { stdio: 'ignore' },
)
const io = new IoRedis({ port, lazyConnect: true, maxRetriesPerRequest: null })
io.on('error', () => {}) // refused connections while valgrind starts the server: retried below
try {
  // redis-server under valgrind takes a few seconds to listen
  for (let attempt = 0; ; attempt++) {
    try {
      await io.connect()
      break
    } catch (error) {
      if (attempt === 100) throw error
      await new Promise((r) => setTimeout(r, 300))
    }
  }
  const load = async (script: string) => (await io.script('LOAD', script)) as string
  const multi = await load(LIMITER_CONSUME_LUA)
  const single = await load(LIMITER_FIXED_LUA)
  const empty = await load('return 1')
  const flexible = new RateLimiterRedis({ storeClient: io, points: 1e9, duration: 60, keyPrefix: 'flex' })
  const { limiterStore } = createRedisStores(fromIoredis(io), { prefix: 'm:' })
  const limiter = createLimiter({
    store: limiterStore,
    rules: { minute: fixedWindow({ limit: 1e9, window: '1 m' }) },
  })

  const variants: [string, (key: string) => Promise<unknown>][] = [
    ['an empty script (evalsha)', (k) => io.evalsha(empty, 1, k)],
    ['the one-rule fixed-window script', (k) => io.evalsha(single, 1, `s:${k}`, '', BIG, WINDOW, '1', '0')],
    [
      'the multi-rule script, one rule',
      (k) => io.evalsha(multi, 1, `g:${k}`, '', '0', '0', 'f', BIG, WINDOW, '0', '1'),
    ],
    ['metered limit(), one fixed window', (k) => limiter.limit(k)],
    ['rate-limiter-flexible consume()', (k) => flexible.consume(k)],
  ]
  const pid = String(server.pid)
  const dumps = () => new Set(readdirSync(dir).filter((f) => f.startsWith('cg.')))
  console.log(`\nredis-server instructions per call (callgrind), ${N} calls per row, 32 in flight\n`)
  for (const [name, call] of variants) {
    for (let i = 0; i < 500; i++) await call(`user:${i % 1000}`)
    execFileSync('callgrind_control', ['-z', pid], { stdio: 'ignore' })
    let next = 0
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < N) await call(`user:${next++ % 1000}`)
      }),
    )
    const before = dumps()
    execFileSync('callgrind_control', ['-d', pid], { stdio: 'ignore' })
    const file = [...dumps()].find((f) => !before.has(f))
    if (!file) throw new Error('callgrind wrote no dump')
    const text = readFileSync(path.join(dir, file), 'utf8')
    const total = Number(/^(?:summary|totals): (\d+)/m.exec(text)?.[1])
    if (!Number.isFinite(total) || total <= 0) throw new Error(`no instruction total in ${file}`)
    console.log(`${name.padEnd(40)}${(total / N).toFixed(0).padStart(10)}`)
  }
} finally {
  io.disconnect()
  server.kill('SIGTERM')
  await new Promise((r) => server.once('exit', r))
  rmSync(dir, { recursive: true, force: true })
}
