// `pnpm bench` at the root: every benchmark of bench/ in one run, against one throwaway
// PostgreSQL, PgBouncer (transaction mode) and redis-server started here as the tests start them,
// each result checked for correctness (every bench throws on a wrong answer, and a bench that
// fails fails the run), then docs/benchmarks.md's generated section and its SVG chart rewritten.
//
//   pnpm bench                  full run: about 6 minutes on an idle 2-core machine (estimated)
//   BENCH_QUICK=1 pnpm bench    CI-size run: 2.3 minutes at load 17, the same checks, figures not to quote
//   BENCH_DOCS_DIR=dir          write benchmarks.md and the chart there instead of over docs/
//
// Every step is killed after STEP_TIMEOUT_MS (10 min, quick 4 min), so the run is bounded.

import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  findPgBouncer,
  findPostgresBinDir,
  findRedisServer,
  spawnPgBouncer,
  spawnPostgresServer,
  spawnRedisServer,
} from '@metered/tooling'
import { type BenchFigures, renderSection } from './report.js'
import { concurrencyChart } from './svg-chart.js'

const QUICK = process.env.BENCH_QUICK === '1'
const STEP_TIMEOUT_MS = (QUICK ? 4 : 10) * 60_000
const here = path.dirname(new URL(import.meta.url).pathname)
const root = path.resolve(here, '..')
const DOC = path.join(root, 'docs', 'benchmarks.md')
// BENCH_DOCS_DIR writes the page and chart elsewhere (CI keeps them as reports)
const OUT = process.env.BENCH_DOCS_DIR ? path.resolve(process.env.BENCH_DOCS_DIR) : path.join(root, 'docs')

interface Step {
  name: string
  /** Arguments after `node`. */
  args: string[]
  env: Record<string, string>
  /** Where the figures come from: the BENCH_RESULT file, or the JSON the step prints. */
  from?: 'result' | 'stdout'
  cwd?: string
}

const tsx = (file: string) => ['--import', 'tsx', path.join(here, file)]

function steps(): Step[] {
  return [
    {
      name: 'limiter',
      args: tsx('redis-limit.ts'),
      env: QUICK ? { BENCH_CALLS: '400', BENCH_ROUNDS: '2' } : { BENCH_CALLS: '2000', BENCH_ROUNDS: '5' },
    },
    {
      // its own redis-server: it reads that process's CPU time
      name: 'limiterCost',
      args: tsx('limiter-cost.ts'),
      env: QUICK ? { BENCH_CALLS: '3000', BENCH_ROUNDS: '1' } : { BENCH_CALLS: '60000', BENCH_ROUNDS: '3' },
    },
    {
      name: 'ledger',
      args: tsx('postgres-debit.ts'),
      env: QUICK ? { BENCH_SECONDS: '1' } : { BENCH_SECONDS: '10' },
    },
    {
      // its own PostgreSQL, like the limiter's cost: the split needs no other client on it
      name: 'postgresClient',
      args: tsx('postgres-client.ts'),
      env: QUICK ? { BENCH_SECONDS: '0.5', BENCH_ROUNDS: '1' } : { BENCH_SECONDS: '2', BENCH_ROUNDS: '3' },
    },
    {
      name: 'concurrency',
      args: tsx('concurrency.ts'),
      env: QUICK
        ? { BENCH_POINT_MS: '300', BENCH_LEVELS: '1,4,16,64' }
        : { BENCH_POINT_MS: '3000', BENCH_LEVELS: '1,2,4,8,16,32,64' },
    },
    {
      name: 'wrapper',
      args: tsx('next-with-credits.ts'),
      env: QUICK ? { BENCH_CALLS: '500', BENCH_ROUNDS: '5' } : { BENCH_CALLS: '2000', BENCH_ROUNDS: '21' },
    },
    { name: 'holdRatio', args: tsx('hold-ratio.ts'), env: QUICK ? { BENCH_TURNS: '4' } : {} },
    { name: 'bundles', args: [path.join(here, 'bundle-size.mjs'), '--json'], env: {}, from: 'stdout' },
    ...['core', 'next', 'postgres', 'redis', 'stripe'].map(
      (pkg): Step => ({
        name: `size:${pkg}`,
        args: [path.join(root, 'node_modules', 'size-limit', 'bin.js'), '--json'],
        env: {},
        from: 'stdout',
        cwd: path.join(root, 'packages', pkg),
      }),
    ),
  ]
}

/** Runs one step with a time limit; its output goes to the console, its figures come back. */
function runStep(step: Step, env: NodeJS.ProcessEnv, dir: string): Promise<unknown> {
  const result = path.join(dir, `${step.name.replace(':', '-')}.json`)
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, step.args, {
      cwd: step.cwd ?? here,
      env: { ...env, ...step.env, BENCH_RESULT: result },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk
      if (step.from !== 'stdout') process.stdout.write(chunk)
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), STEP_TIMEOUT_MS)
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      if (code !== 0) {
        const why = signal ? `killed (${signal}) after ${STEP_TIMEOUT_MS / 60_000} min` : `exit code ${code}`
        reject(new Error(`bench step ${step.name} failed: ${why}`))
        return
      }
      try {
        resolve(JSON.parse(step.from === 'stdout' ? stdout : readFileSync(result, 'utf8')))
      } catch (error) {
        reject(new Error(`bench step ${step.name}: no figures (${(error as Error).message})`))
      }
    })
  })
}

function version(bin: string, args: string[]): string {
  try {
    return execFileSync(bin, args, { encoding: 'utf8' }).trim().split('\n')[0]!
  } catch {
    return 'unknown'
  }
}

function machine() {
  // read from the install, not through `require`: some packages do not export their package.json
  const pkg = (name: string) => {
    try {
      return (
        JSON.parse(readFileSync(path.join(here, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }
      ).version
    } catch {
      return 'unknown'
    }
  }
  const cpus = os.cpus()
  return {
    cpu: `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown'}`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    redis: `redis-server ${/v=(\S+)/.exec(version(findRedisServer(), ['--version']))?.[1] ?? 'unknown'}`,
    postgres: version(path.join(findPostgresBinDir(), 'postgres'), ['--version']),
    pgbouncer: version(findPgBouncer(), ['--version']),
    packages: Object.fromEntries(
      ['ioredis', 'rate-limiter-flexible', '@upstash/ratelimit', '@upstash/redis', 'pg', 'kysely', 'esbuild'].map(
        (n) => [n, pkg(n)],
      ),
    ),
  }
}

async function main() {
  const started = Date.now()
  const load = os.loadavg()[0]!
  const postgres = await spawnPostgresServer({ maxConnections: 200 })
  const redis = await spawnRedisServer()
  const pgbouncer = await spawnPgBouncer({ serverUrl: postgres.url, poolSize: 16 })
  const dir = mkdtempSync(path.join(os.tmpdir(), 'metered-bench-'))
  const env = { ...process.env, DATABASE_URL: postgres.url, REDIS_URL: redis.url, PGBOUNCER_URL: pgbouncer.url }
  const figures: Record<string, unknown> = {}
  try {
    for (const step of steps()) {
      console.log(`\n== ${step.name} ==`)
      figures[step.name] = await runStep(step, env, dir)
    }
  } finally {
    await pgbouncer.destroy()
    await redis.destroy()
    await postgres.destroy()
  }
  // a size over its budget fails the run like a wrong answer
  for (const [name, rows] of Object.entries(figures)) {
    if (!name.startsWith('size:')) continue
    for (const r of rows as Array<{ name: string; passed: boolean }>) {
      if (!r.passed) throw new Error(`size budget exceeded: ${r.name}`)
    }
  }
  const minutes = (Date.now() - started) / 60_000
  const run = {
    quick: QUICK,
    date: new Date().toISOString(),
    minutes,
    loadBefore: load,
    loadAfter: os.loadavg()[0]!,
    machine: machine(),
  }
  const all = { run, ...figures } as unknown as BenchFigures
  writeFileSync(path.join(dir, 'all.json'), JSON.stringify(all, null, 2))
  mkdirSync(OUT, { recursive: true })
  const page = path.join(OUT, 'benchmarks.md')
  const chart = path.join(OUT, 'benchmarks-concurrency.svg')
  writeFileSync(chart, concurrencyChart(all.concurrency.points))
  writeFileSync(page, renderSection(readFileSync(DOC, 'utf8'), all))
  console.log(`\nbench: ${minutes.toFixed(1)} min; wrote ${page}, ${chart}`)
  console.log(`figures as JSON: ${path.join(dir, 'all.json')}`)
}

await main()
