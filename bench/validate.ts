/**
 * zod/mini against zod classic and valibot for core's schemas: the bundle an app pays for one
 * object schema (esbuild, minified, gzip) and parse speed on a valid and an invalid input.
 * `pnpm --filter @metered/bench validate`. Figures: docs/design.md, "Light bundles".
 */
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import * as v from 'valibot'
import { valibot as valibotSchema, zodClassic, zodMini } from './validate/schemas.js'

const here = new URL('.', import.meta.url).pathname

/** min+gzip of a module that builds one schema with `lib` and parses with it. */
async function gzSize(contents: string): Promise<number> {
  const out = await build({
    stdin: { contents, resolveDir: here, loader: 'ts' },
    bundle: true,
    write: false,
    format: 'esm',
    minify: true,
    logLevel: 'error',
  })
  return gzipSync(out.outputFiles[0]!.contents, { level: 9 }).length
}
const snippet = (name: string, call: string, extra = '') =>
  `${extra}import { ${name} } from './validate/schemas.ts'\nexport const check = (x) => ${call}`

const valid = { account: 'acct_123', amount: 250, reason: 'chat', idempotencyKey: 'turn-42' }
const invalid = { account: '', amount: -1, reason: 'chat', extra: true }

function opsPerSecond(parse: (x: unknown) => unknown, input: unknown): number {
  for (let i = 0; i < 20_000; i++) parse(input) // warm up the JIT
  const n = 200_000
  const start = performance.now()
  for (let i = 0; i < n; i++) parse(input)
  return n / ((performance.now() - start) / 1000)
}

const mini = zodMini()
const classic = zodClassic()
const vb = valibotSchema()
const libs = [
  {
    name: 'zod/mini',
    size: await gzSize(snippet('zodMini', 'zodMini().safeParse(x)')),
    parse: (x: unknown) => mini.safeParse(x),
  },
  {
    name: 'zod classic',
    size: await gzSize(snippet('zodClassic', 'zodClassic().safeParse(x)')),
    parse: (x: unknown) => classic.safeParse(x),
  },
  {
    name: 'valibot',
    size: await gzSize(snippet('valibot', 'v.safeParse(valibot(), x)', "import * as v from 'valibot'\n")),
    parse: (x: unknown) => v.safeParse(vb, x),
  },
]

// Three interleaved rounds, best of each: the shared machine's noise hits every library alike.
const best = libs.map(() => ({ ok: 0, bad: 0 }))
for (let round = 0; round < 3; round++) {
  libs.forEach((lib, i) => {
    best[i]!.ok = Math.max(best[i]!.ok, opsPerSecond(lib.parse, valid))
    best[i]!.bad = Math.max(best[i]!.bad, opsPerSecond(lib.parse, invalid))
  })
}
const fmt = (n: number) => Math.round(n).toLocaleString('en')
console.log('| library | bundle (min+gz) | valid parses/s | invalid parses/s |\n|---|---|---|---|')
libs.forEach((lib, i) => {
  console.log(`| ${lib.name} | ${(lib.size / 1000).toFixed(1)} kB | ${fmt(best[i]!.ok)} | ${fmt(best[i]!.bad)} |`)
})
