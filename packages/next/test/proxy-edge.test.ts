import { fileURLToPath } from 'node:url'
import { EdgeRuntime } from 'edge-runtime'
import { build } from 'esbuild'
import { expect, it } from 'vitest'

it('createProxy, meteredAuth and the route factories run under edge-runtime (Web APIs only)', async () => {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./proxy-edge-scenario.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    conditions: ['edge-light', 'worker', 'browser', 'import'],
    target: 'es2022',
    // imported lazily by meteredAuth (request headers) and absent here, as on any non-Next host
    external: ['next/headers', 'next/server'],
    logLevel: 'silent',
  })
  const code = bundle.outputFiles[0]?.text ?? ''
  expect(code).not.toMatch(/require\(["']node:/)
  const vm = new EdgeRuntime()
  vm.evaluate(code)
  const result = await vm.evaluate<Promise<Record<string, unknown>>>('globalThis.__proxyScenario()')
  expect(result).toEqual({
    isEdge: true,
    proxied: [null, null, 429],
    grant: 200,
    refused: 403,
    available: 6.5,
    logins: 1,
  })
})
