// The generated section of docs/benchmarks.md: the run's machine and versions, every ratio next
// to its goal (issue #16), and each bench's table. Everything between the two markers is
// replaced on every `pnpm bench`; the rest of the page is written by hand.

export const START = '<!-- bench:start (written by `pnpm bench`; edits here are overwritten) -->'
export const END = '<!-- bench:end -->'

interface Figures {
  opsPerSec: number
  p50: number
  p99: number
}
interface Pair {
  distinct: number
  hot: number
}
interface WrapperRow {
  bareOps: number
  wrappedOps: number
  ratio: number
  overheadUs: number
  coreUs: number
  wrapperUs: number
}
export interface ConcurrencyPoint {
  concurrency: number
  limiter: number
  ledger: number
  ledgerHot: number
}

export interface BenchFigures {
  run: {
    quick: boolean
    date: string
    minutes: number
    loadBefore: number
    loadAfter: number
    machine: {
      cpu: string
      memory: string
      os: string
      node: string
      redis: string
      postgres: string
      pgbouncer: string
      packages: Record<string, string>
    }
  }
  limiter: {
    calls: number
    inFlight: number
    rounds: number
    scenarios: Array<{ name: string; ours: Figures; peer: Figures }>
  }
  limiterCost: {
    calls: number
    inFlight: number
    rounds: number
    rows: Array<{ name: string; node: number; redis: number }>
  }
  postgresClient: {
    connections: number
    seconds: number
    rounds: number
    rows: Array<{ name: string; perSecond: number; clientUs: number }>
    /** Shares of the client's busy CPU during `ledger.debit`, by part. */
    profile: Array<[string, number]>
  }
  ledger: {
    connections: number
    seconds: number
    postgres: string
    perSecond: {
      pgbenchUpdate: Pair
      pgbenchDebitEntry: Pair
      nodeDebitEntry: Pair
      pgbenchFunction: Pair
      select1: number
      handRolled: Pair
      metered: Pair
      pooled?: Pair
    }
  }
  concurrency: { pointMs: number; points: ConcurrencyPoint[] }
  wrapper: { calls: number; rounds: number; upstreamMs: number; trivial: WrapperRow; upstream: WrapperRow }
  holdRatio: { hold: string; all: number; afterWarmUp: number; median: number; max: number }
  bundles: Array<{ name: string; min: number; gz: number; br: number; zod: number }>
  [size: `size:${string}`]: Array<{ name: string; passed: boolean; size: number; sizeLimit: number }>
}

const x = (n: number) => `${n.toFixed(2)}x`
const ops = (n: number) => Math.round(n).toLocaleString('en-US')
const ms = (n: number) => n.toFixed(3)
const kB = (n: number) => `${(n / 1000).toFixed(1)} kB`
const table = (head: string[], rows: string[][]) =>
  [`| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`]
    .concat(rows.map((r) => `| ${r.join(' | ')} |`))
    .join('\n')

/** A measured ratio against its goal: `atLeast` goals are met at or above, `atMost` at or below. */
function goalRow(what: string, value: number | undefined, goal: { atLeast?: number; atMost?: number } | null) {
  if (value === undefined) return [what, 'not measured', goal ? goalText(goal) : '—', '—']
  const met =
    goal === null
      ? '—'
      : (goal.atLeast === undefined || value >= goal.atLeast) && (goal.atMost === undefined || value <= goal.atMost)
        ? 'met'
        : '**not met**'
  return [what, x(value), goal ? goalText(goal) : '—', met]
}
const goalText = (g: { atLeast?: number; atMost?: number }) =>
  g.atLeast !== undefined ? `≥ ${g.atLeast.toFixed(1)}x` : `≤ ${g.atMost!.toFixed(1)}x`

function limiterRatios(f: BenchFigures, needle: string) {
  const s = f.limiter.scenarios.find((row) => row.name.startsWith(needle))
  if (!s) return { throughput: undefined, p50: undefined }
  return { throughput: s.ours.opsPerSec / s.peer.opsPerSec, p50: s.peer.p50 / s.ours.p50 }
}

export function renderBody(f: BenchFigures): string {
  const m = f.run.machine
  const l = f.ledger.perSecond
  const out: string[] = []
  out.push(
    f.run.quick
      ? '**This is a CI-size run (`BENCH_QUICK=1`): it proves every bench runs and answers correctly; its figures are too short to quote.**\n'
      : '',
    `Run of ${f.run.date.slice(0, 16).replace('T', ' ')} UTC, ${f.run.minutes.toFixed(1)} minutes, command \`${f.run.quick ? 'BENCH_QUICK=1 ' : ''}pnpm bench\`; load average ${f.run.loadBefore.toFixed(1)} before, ${f.run.loadAfter.toFixed(1)} after.`,
    `Machine: ${m.cpu}, ${m.memory}, ${m.os}. Node ${m.node}; ${m.redis}; ${m.postgres}; ${m.pgbouncer}.`,
    `Packages: ${Object.entries(m.packages)
      .map(([n, v]) => `${n} ${v}`)
      .join(', ')}.`,
    '',
    '### Every ratio against its goal',
    '',
    'Ratios are metered / peer for throughput and peer / metered for p50 latency (above 1.00x metered is faster),',
    'except the wrapper, which is bare / wrapped throughput (how many times slower a wrapped call is).',
    '',
  )
  const tcp = limiterRatios(f, 'TCP fixedWindow vs')
  const rows: string[][] = [
    goalRow('one rule over TCP vs rate-limiter-flexible, throughput', tcp.throughput, { atLeast: 1 }),
    goalRow('one rule over TCP vs rate-limiter-flexible, p50', tcp.p50, { atLeast: 1 }),
  ]
  for (const algo of ['slidingWindow', 'fixedWindow', 'tokenBucket']) {
    const r = limiterRatios(f, `REST ${algo} vs`)
    rows.push(goalRow(`one rule (${algo}) over REST vs @upstash/ratelimit, throughput`, r.throughput, { atLeast: 1 }))
    rows.push(goalRow(`one rule (${algo}) over REST vs @upstash/ratelimit, p50`, r.p50, { atLeast: 1 }))
  }
  const rest3 = limiterRatios(f, 'REST 3 rules')
  const tcp3 = limiterRatios(f, 'TCP 3 rules')
  const auth = limiterRatios(f, 'REST authorize')
  rows.push(
    goalRow('3 rules over REST vs 3 sequential @upstash/ratelimit, p50', rest3.p50, { atLeast: 2.5 }),
    goalRow('3 rules over TCP vs 3 sequential rate-limiter-flexible, p50', tcp3.p50, { atLeast: 2.5 }),
    goalRow('one-step authorize vs limit() then debit (REST), p50', auth.p50, null),
    goalRow(
      'Postgres debit vs pgbench one-statement debit + entry, distinct',
      l.metered.distinct / l.pgbenchDebitEntry.distinct,
      {
        atLeast: 0.8,
      },
    ),
    goalRow(
      'Postgres debit vs pgbench one-statement debit + entry, one hot account',
      l.metered.hot / l.pgbenchDebitEntry.hot,
      {
        atLeast: 0.8,
      },
    ),
    goalRow(
      "Node.js one-statement debit + entry vs the same from pgbench, distinct (the client's share)",
      l.nodeDebitEntry.distinct / l.pgbenchDebitEntry.distinct,
      null,
    ),
    goalRow(
      'Postgres debit vs Node.js one-statement debit + entry, distinct',
      l.metered.distinct / l.nodeDebitEntry.distinct,
      null,
    ),
    goalRow(
      'Postgres debit vs Node.js one-statement debit + entry, one hot account',
      l.metered.hot / l.nodeDebitEntry.hot,
      null,
    ),
    goalRow(
      'Postgres debit vs hand-rolled 5-round-trip transaction, distinct',
      l.metered.distinct / l.handRolled.distinct,
      {
        atLeast: 2,
      },
    ),
    goalRow('Postgres debit vs hand-rolled 5-round-trip transaction, hot', l.metered.hot / l.handRolled.hot, {
      atLeast: 2,
    }),
    goalRow(
      'Postgres debit through PgBouncer vs direct, distinct',
      l.pooled && l.pooled.distinct / l.metered.distinct,
      null,
    ),
    goalRow('withCredits vs bare trivial handler (memory stores), slowdown', f.wrapper.trivial.ratio, { atMost: 1.2 }),
    goalRow(
      `withCredits vs bare handler with a ${f.wrapper.upstreamMs} ms upstream, slowdown`,
      f.wrapper.upstream.ratio,
      null,
    ),
    goalRow(`starter chat turn: Σ hold / Σ charge (${f.holdRatio.hold} holds)`, f.holdRatio.all, null),
  )
  out.push(table(['what', 'measured', 'goal', ''], rows), '')

  out.push(
    '### Limiter: `limit()` against the peers',
    '',
    `\`bench/redis-limit.ts\`: one local redis-server, the same transport on both sides; throughput with ${f.limiter.inFlight} calls in flight (${f.limiter.calls} calls), p50/p99 with one in flight; each side's best of ${f.limiter.rounds} alternating rounds. Meaning of the rows: [redis.md, Benchmark](redis.md#benchmark).`,
    '',
    table(
      ['scenario', 'ours ops/s', 'peer ops/s', 'throughput', 'ours p50 / p99 ms', 'peer p50 / p99 ms', 'p50'],
      f.limiter.scenarios.map((s) => [
        s.name,
        ops(s.ours.opsPerSec),
        ops(s.peer.opsPerSec),
        x(s.ours.opsPerSec / s.peer.opsPerSec),
        `${ms(s.ours.p50)} / ${ms(s.ours.p99)}`,
        `${ms(s.peer.p50)} / ${ms(s.peer.p99)}`,
        x(s.peer.p50 / s.ours.p50),
      ]),
    ),
    '',
    '### Limiter: where one call spends its CPU',
    '',
    `\`bench/limiter-cost.ts\`: CPU µs per call in this Node.js process and in redis-server (from \`/proc\`), ${f.limiterCost.calls} calls with ${f.limiterCost.inFlight} in flight, medians of ${f.limiterCost.rounds} rounds. CPU time does not move with the machine's load the way calls per second do. Meaning of the rows: [redis.md, Benchmark](redis.md#benchmark).`,
    '',
    table(
      ['', 'Node.js µs', 'redis-server µs'],
      f.limiterCost.rows.map((r) => [r.name, r.node.toFixed(1), r.redis.toFixed(1)]),
    ),
    '',
    '### Ledger: Postgres `ledger.debit` against pgbench',
    '',
    `\`bench/postgres-debit.ts\`: ${f.ledger.connections} connections, ${f.ledger.seconds} s per measurement, PostgreSQL ${f.ledger.postgres}; debits per second. Meaning of the rows: [postgres.md, Speed](postgres.md#speed).`,
    '',
    table(
      ['', 'distinct accounts', 'one hot account'],
      [
        [
          'pgbench: one-statement debit + entry (ceiling)',
          ops(l.pgbenchDebitEntry.distinct),
          ops(l.pgbenchDebitEntry.hot),
        ],
        ['pgbench: one conditional UPDATE, no entry', ops(l.pgbenchUpdate.distinct), ops(l.pgbenchUpdate.hot)],
        ['pgbench: SELECT metered debit function', ops(l.pgbenchFunction.distinct), ops(l.pgbenchFunction.hot)],
        [
          'Node.js: one-statement debit + entry through the same pool',
          ops(l.nodeDebitEntry.distinct),
          ops(l.nodeDebitEntry.hot),
        ],
        ['Node.js: SELECT 1 through the same pool', ops(l.select1), ops(l.select1)],
        ['hand-rolled JS transaction (5 round trips)', ops(l.handRolled.distinct), ops(l.handRolled.hot)],
        ['metered ledger.debit (1 round trip)', ops(l.metered.distinct), ops(l.metered.hot)],
        ...(l.pooled
          ? [['metered ledger.debit through PgBouncer (transaction mode)', ops(l.pooled.distinct), ops(l.pooled.hot)]]
          : []),
      ],
    ),
    '',
    '### Ledger: where the client spends its CPU',
    '',
    `\`bench/postgres-client.ts\`: the same debit through each layer of the client, ${f.postgresClient.connections} in flight on as many accounts, ${f.postgresClient.seconds} s per measurement, medians of ${f.postgresClient.rounds} rounds; client CPU from this Node.js process.`,
    '',
    table(
      ['', 'debits/s', 'client CPU µs per debit'],
      f.postgresClient.rows.map((r) => [r.name, ops(r.perSecond), r.clientUs.toFixed(1)]),
    ),
    '',
    `The client's busy CPU during \`ledger.debit\`, by part (V8's sampling profiler, ${f.postgresClient.seconds} s; shares within one run, which the machine's speed does not move):`,
    '',
    table(
      ['part', 'share of busy CPU'],
      f.postgresClient.profile.map(([part, share]) => [part, `${(share * 100).toFixed(1)} %`]),
    ),
    '',
    '### Throughput against concurrency',
    '',
    `\`bench/concurrency.ts\`: each point runs that many callers back to back for ${f.concurrency.pointMs} ms. The limiter is one fixed-window rule over TCP (ioredis, one connection); the ledger is \`ledger.debit\` on Postgres, one account per caller and all callers on one hot account (pool of ${Math.max(...f.concurrency.points.map((p) => p.concurrency))} connections).`,
    '',
    '![throughput against concurrency](benchmarks-concurrency.svg)',
    '',
    table(
      ['in flight', 'limit() /s', 'debit /s (distinct)', 'debit /s (hot)'],
      f.concurrency.points.map((p) => [String(p.concurrency), ops(p.limiter), ops(p.ledger), ops(p.ledgerHot)]),
    ),
    '',
    '### Wrapper, hold ratio, bundles',
    '',
    `\`bench/next-with-credits.ts\` (medians of ${f.wrapper.rounds} rounds of ${f.wrapper.calls} calls; meaning [below](#the-nextjs-wrapper-withcredits)):`,
    '',
    table(
      ['handler', 'bare ops/s', 'withCredits ops/s', 'slowdown', 'added per call', 'of which core', 'the wrapper'],
      (['trivial', 'upstream'] as const).map((k) => {
        const w = f.wrapper[k]
        return [
          k === 'trivial' ? 'trivial, 16 in flight' : `${f.wrapper.upstreamMs} ms upstream, 1 in flight`,
          ops(w.bareOps),
          ops(w.wrappedOps),
          x(w.ratio),
          `${w.overheadUs.toFixed(0)} µs`,
          `${w.coreUs.toFixed(0)} µs`,
          `${w.wrapperUs.toFixed(0)} µs`,
        ]
      }),
    ),
    '',
    `\`bench/hold-ratio.ts\`: the starter's chat turn holds ${x(f.holdRatio.all)} what it is charged over the conversation (${x(f.holdRatio.afterWarmUp)} after the first turns; per turn median ${x(f.holdRatio.median)}, max ${x(f.holdRatio.max)}).`,
    '',
    '`bench/bundle-size.mjs` (what an app bundles, esbuild, minified):',
    '',
    table(
      ['bundle', 'min', 'gzip', 'brotli', 'of which zod (min)'],
      f.bundles.map((b) => [b.name, kB(b.min), kB(b.gz), kB(b.br), kB(b.zod)]),
    ),
    '',
    'Size budgets (`pnpm size`, size-limit, brotli of each entry with its dependencies):',
    '',
    table(
      ['entry', 'size', 'budget', ''],
      Object.entries(f)
        .filter(([k]) => k.startsWith('size:'))
        .flatMap(([, v]) => v as BenchFigures[`size:${string}`])
        .map((s) => [s.name, kB(s.size), kB(s.sizeLimit), s.passed ? 'within' : '**over**']),
    ),
  )
  return out.join('\n')
}

/** `doc` with the text between the markers replaced by this run's section. */
export function renderSection(doc: string, f: BenchFigures): string {
  const start = doc.indexOf(START)
  const end = doc.indexOf(END)
  if (start < 0 || end < start) throw new Error(`docs/benchmarks.md has no ${START} ... ${END} section`)
  return `${doc.slice(0, start + START.length)}\n${renderBody(f)}\n${doc.slice(end)}`
}
