import { defineConfig } from 'tsup'

export default defineConfig([
  {
    entry: { index: 'src/index.ts', http: 'src/http.ts', adapter: 'src/adapter.ts', prices: 'src/prices.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2022',
    external: ['vitest', 'fast-check', 'zod'],
  },
  {
    // The conformance kit runs only inside vitest, which loads test files as ES modules and
    // refuses `require`: a CJS build could never run, so it ships as ESM only, without maps.
    entry: { 'testing/index': 'src/testing/index.ts' },
    format: ['esm'],
    dts: true,
    clean: false,
    sourcemap: false,
    target: 'es2022',
    external: ['vitest', 'fast-check', 'zod'],
  },
])
