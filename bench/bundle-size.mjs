// Bundles what an app writes (the snippets below) the way an app's bundler would (esbuild,
// ESM, minified, dependencies included) and prints each bundle's size minified, gzip and brotli.
// `node bundle-size.mjs` from bench/ after `pnpm build`; `--json` prints the figures as JSON.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const here = new URL('.', import.meta.url).pathname

/** What each user-facing path imports; `platform` is where that code runs. */
const cases = [
  { name: 'core: only isMeteredError', platform: 'neutral', code: "export { isMeteredError } from '@metered/core'" },
  {
    name: 'core: server path (createMetered, createMemoryStores, perToken)',
    platform: 'node',
    code: "export { createMetered, createMemoryStores, perToken } from '@metered/core'",
  },
  {
    name: 'proxy.ts as docs/routes-and-auth.md writes it (@upstash/redis excluded)',
    platform: 'browser',
    external: ['@upstash/redis'],
    code: proxySnippet('createRedisLimiterStore(fromUpstash(Redis.fromEnv()))'),
  },
  {
    name: 'proxy.ts as docs/routes-and-auth.md writes it (@upstash/redis included)',
    platform: 'browser',
    code: proxySnippet('createRedisLimiterStore(fromUpstash(Redis.fromEnv()))'),
  },
  {
    name: 'proxy.ts with createRedisStores(...).limiterStore (@upstash/redis excluded)',
    platform: 'browser',
    external: ['@upstash/redis'],
    code: proxySnippet('createRedisStores(fromUpstash(Redis.fromEnv())).limiterStore'),
  },
  {
    name: '@metered/next/react (react excluded)',
    platform: 'browser',
    external: ['react', 'react-dom', 'react/jsx-runtime'],
    code: "export * from '@metered/next/react'",
  },
]

/** `PROXY_FROM=@metered/next` measures the import the 0.1 docs wrote (there was no /proxy entry). */
function proxySnippet(store) {
  const proxyFrom = process.env.PROXY_FROM ?? '@metered/next/proxy'
  const [, fn] = /^(\w+)/.exec(store)
  return `
import { createLimiter, slidingWindow } from '@metered/core'
import { createProxy } from '${proxyFrom}'
import { ${fn}, fromUpstash } from '@metered/redis'
import { Redis } from '@upstash/redis'
const ipLimiter = createLimiter({
  store: ${store},
  rules: { ip: slidingWindow({ limit: 120, window: '1 m' }) },
  prefix: 'proxy:',
  onStoreError: 'allow',
  timeout: '150 ms',
})
export const proxy = createProxy({ limiter: ipLimiter, matcher: (path) => path.startsWith('/api') })
export const config = { matcher: '/api/:path*' }
`
}

const kB = (n) => `${(n / 1000).toFixed(2)} kB`
const rows = []
for (const c of cases) {
  const out = await build({
    stdin: { contents: c.code, resolveDir: here, loader: 'ts' },
    bundle: true,
    write: false,
    format: 'esm',
    minify: true,
    platform: c.platform,
    target: 'es2022',
    external: c.external ?? [],
    metafile: true,
    logLevel: 'error',
  })
  const js = out.outputFiles[0].contents
  const gz = gzipSync(js, { level: 9 }).length
  const br = brotliCompressSync(js, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length
  const inputs = Object.entries(out.metafile.outputs)[0][1].inputs
  const zod = Object.entries(inputs)
    .filter(([p]) => p.includes('/zod'))
    .reduce((sum, [, v]) => sum + v.bytesInOutput, 0)
  rows.push({ name: c.name, min: js.length, gz, br, zod })
}
if (process.argv.includes('--json')) console.log(JSON.stringify(rows, null, 2))
else {
  console.log('| bundle | min | gzip | brotli | of which zod (min) |\n|---|---|---|---|---|')
  for (const r of rows) console.log(`| ${r.name} | ${kB(r.min)} | ${kB(r.gz)} | ${kB(r.br)} | ${kB(r.zod)} |`)
}
