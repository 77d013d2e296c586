// redis-server instructions per limiter call, counted by valgrind's callgrind: a figure the
// machine's load does not move (CPU seconds on a shared 2-core machine do, by 2x between runs).
// Each row calls through the store (or sends a script by hand), 32 in flight, after a warm-up; the counters are
// zeroed before and dumped after each variant.
//
//   pnpm --filter @metered/bench redis-instructions        (needs valgrind and redis-server)
//   N=5000 ... calls per variant (3000)
// Meaning of the rows: docs/benchmarks.md, "Where a goal is not met".

import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { type ConsumeItem, createLimiter, fixedWindow, slidingWindow, tokenBucket } from '@metered/core'
import { createRedisStores, fromIoredis } from '@metered/redis'
import { findRedisServer, freePort } from '@metered/tooling'
import { Redis as IoRedis } from 'ioredis'
import { RateLimiterRedis } from 'rate-limiter-flexible'
import { LIMITER_CONSUME_LUA } from '../packages/redis/src/lua/limiter-consume.js'

const N = Number(process.env.N ?? 3000)
const BIG = 1e9 // every call is admitted: the same work each time
const rule = {
  fixed: fixedWindow({ limit: BIG, window: '1 m' }),
  sliding: slidingWindow({ limit: BIG, window: '1 m' }),
  bucket: tokenBucket({ capacity: BIG, refillEvery: '1 m', refillAmount: BIG }),
}

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
  const empty = await load('return 1')
  const flexible = new RateLimiterRedis({ storeClient: io, points: 1e9, duration: 60, keyPrefix: 'flex' })
  const { limiterStore, authorizer, ledger } = createRedisStores(fromIoredis(io), { prefix: 'm:' })
  const limiter = createLimiter({ store: limiterStore, rules: { minute: rule.fixed } })
  const item = (key: string, name: keyof typeof rule): ConsumeItem => ({ key, name, rule: rule[name], cost: 1 })
  const consume = (...items: ConsumeItem[]) => limiterStore.consume({ items })
  await ledger.grant({ account: 'acct', amount: 1e12, source: 'bench', idempotencyKey: 'bench' })

  // Rows through the store send what the store sends, so the same file measures any version of
  // the scripts; the multi-rule script with one rule, which the store never sends, is called by
  // hand in the arguments of lua/limiter-consume.ts.
  const variants: [string, (key: string) => Promise<unknown>][] = [
    ['an empty script (evalsha)', (k) => io.evalsha(empty, 1, k)],
    ['one rule: the fixed-window script', (k) => consume(item(k, 'fixed'))],
    ['one rule: the sliding-window script', (k) => consume(item(k, 'sliding'))],
    ['one rule: the token-bucket script', (k) => consume(item(k, 'bucket'))],
    ['the multi-rule script, one rule', (k) => io.evalsha(multi, 1, `g:${k}`, 'f', String(BIG), '60000', '1')],
    ['the multi-rule script, three rules', (k) => consume(item(k, 'fixed'), item(k, 'sliding'), item(k, 'bucket'))],
    [
      'authorize, one rule, charge',
      (k) =>
        authorizer.authorize({
          account: 'acct',
          amount: 1,
          ttl: '1 m',
          reason: 'bench',
          charge: true,
          limits: { items: [item(k, 'fixed')] },
        }),
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
    console.log(`${name.padEnd(44)}${(total / N).toFixed(0).padStart(10)}`)
  }
} finally {
  io.disconnect()
  server.kill('SIGTERM')
  await new Promise((r) => server.once('exit', r))
  rmSync(dir, { recursive: true, force: true })
}
