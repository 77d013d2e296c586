import { fileURLToPath } from 'node:url'
import { build, type Metafile } from 'esbuild'
import { expect, it } from 'vitest'

// What an app's bundler keeps of the built packages (dist/), by the modules it pulls in. The byte
// budgets are `pnpm size`; this names what must be absent, so a regression says what came back.
const here = fileURLToPath(new URL('.', import.meta.url))

async function inputsOf(code: string, external: string[] = []): Promise<string[]> {
  const out = await build({
    stdin: { contents: code, resolveDir: here, loader: 'ts' },
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: 'browser',
    external,
    metafile: true,
    logLevel: 'silent',
  })
  const meta: Metafile = out.metafile
  const output = Object.values(meta.outputs)[0]!
  return Object.entries(output.inputs)
    .filter(([, v]) => v.bytesInOutput > 0)
    .map(([path]) => path)
}

const zodModules = (inputs: string[]) => inputs.filter((p) => p.includes('/zod/'))

it('isMeteredError alone pulls in no validator', async () => {
  const inputs = await inputsOf("export { isMeteredError } from '@metered/core'")
  expect(zodModules(inputs)).toEqual([])
})

it('the documented proxy.ts pulls neither zod classic, the routes nor the ledger scripts', async () => {
  const out = await build({
    stdin: {
      contents: `
import { createLimiter, slidingWindow } from '@metered/core'
import { createProxy } from '@metered/next/proxy'
import { createRedisLimiterStore, fromUpstash } from '@metered/redis'
import { Redis } from '@upstash/redis'
const ipLimiter = createLimiter({
  store: createRedisLimiterStore(fromUpstash(Redis.fromEnv())),
  rules: { ip: slidingWindow({ limit: 120, window: '1 m' }) },
  prefix: 'proxy:',
  onStoreError: 'allow',
  timeout: '150 ms',
})
export const proxy = createProxy({ limiter: ipLimiter })`,
      resolveDir: here,
      loader: 'ts',
    },
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: 'browser',
    external: ['@upstash/redis'],
    metafile: true,
    logLevel: 'silent',
  })
  const code = out.outputFiles[0]!.text
  const inputs = Object.keys(Object.values(out.metafile.outputs)[0]!.inputs)
  // zod/mini (the limiter's rule schemas) may be there; classic zod's methods may not
  expect(inputs.filter((p) => p.includes('/zod/v4/classic/'))).toEqual([])
  expect(code).not.toContain('flush_row') // the ledger's Lua prelude
  expect(code).not.toContain('method-not-allowed') // the route factories' 405
  expect(code).toContain('limits_evaluate') // the limiter script is there
})
