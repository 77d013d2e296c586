import { defineConfig } from 'tsup'

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  // Peers and the workspace core stay imports: the app brings its own stripe client.
  external: ['stripe', 'zod', '@metered/core'],
})
