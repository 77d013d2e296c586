import { fileURLToPath } from 'node:url'
import { EdgeRuntime } from 'edge-runtime'
import { type BuildOptions, build } from 'esbuild'
import { expect } from 'vitest'

/**
 * Bundles `entry` (relative to this folder) as an edge host would (the edge-light/worker/browser
 * conditions, no Node built-ins), asserts the bundle requires no `node:` module, runs it in
 * edge-runtime and returns what the scenario's global `run` function resolves to.
 */
export async function runOnEdge(
  entry: string,
  run: string,
  options: Pick<BuildOptions, 'external' | 'jsx' | 'define'> = {},
): Promise<Record<string, unknown>> {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    conditions: ['edge-light', 'worker', 'browser', 'import'],
    target: 'es2022',
    logLevel: 'silent',
    ...options,
  })
  const code = bundle.outputFiles[0]?.text ?? ''
  expect(code).not.toMatch(/require\(["']node:/)
  const vm = new EdgeRuntime()
  vm.evaluate(code)
  return vm.evaluate<Promise<Record<string, unknown>>>(`globalThis.${run}()`)
}
