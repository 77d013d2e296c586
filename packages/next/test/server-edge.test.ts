import { fileURLToPath } from 'node:url'
import { EdgeRuntime } from 'edge-runtime'
import { build } from 'esbuild'
import { expect, it } from 'vitest'

it('a wrapped handler runs under edge-runtime (Web APIs only) with the memory stores', async () => {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./edge/scenario.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    conditions: ['edge-light', 'worker', 'browser', 'import'],
    target: 'es2022',
    // loaded lazily by `after`; absent on this runtime, as on any non-Next host
    external: ['next/server'],
    logLevel: 'silent',
  })
  const code = bundle.outputFiles[0]!.text
  expect(code).not.toMatch(/require\(["']node:/)
  const vm = new EdgeRuntime()
  vm.evaluate(code)
  const result = await vm.evaluate<Promise<Record<string, unknown>>>('globalThis.__scenario()')
  expect(result).toEqual({
    isEdge: true,
    hasProcess: false,
    fixed: { status: 200, credits: '8', rateLimit: expect.stringMatching(/^"minute";r=4;t=\d+$/) },
    anonymous: 401,
    streamed: { status: 200, type: 'text/event-stream; charset=utf-8', lines: 3 },
    available: 10_000 - 2000 - 390 - 1000,
    held: 0,
    statuses: [
      ['ok', 2000],
      ['ok', 390],
      ['ok', 1000],
    ],
  })
})
