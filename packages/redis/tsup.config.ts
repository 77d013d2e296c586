import { defineConfig } from 'tsup'

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  // The clients are optional peers: adapters type them structurally and never import them.
  external: ['@metered/core', '@upstash/redis', 'redis', 'ioredis'],
})
