import { fileURLToPath } from 'node:url'
import { EdgeRuntime } from 'edge-runtime'
import { build } from 'esbuild'
import { expect, it } from 'vitest'

it('the React entry server-renders and meteredFetch runs under edge-runtime (Web APIs only)', async () => {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./react-edge-scenario.tsx', import.meta.url))],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    conditions: ['edge-light', 'worker', 'browser', 'import'],
    target: 'es2022',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  })
  const code = bundle.outputFiles[0]!.text
  expect(code).not.toMatch(/require\(["']node:/)
  const vm = new EdgeRuntime()
  vm.evaluate(code)
  const result = await vm.evaluate<Promise<Record<string, unknown>>>('globalThis.__reactScenario()')
  expect(result).toEqual({
    isEdge: true,
    hasWindow: false,
    credits: true,
    lowCredits: true,
    search: true,
    balance: { available: 9.61, held: null },
    rateLimit: { policy: 'minute', remaining: 4, limit: 5 },
  })
})
