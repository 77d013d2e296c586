import { defineConfig } from 'tsup'

export default defineConfig([
  {
    entry: { index: 'src/index.ts', 'ai/index': 'src/ai/index.ts', 'proxy/index': 'src/proxy/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: false,
    sourcemap: true,
    target: 'es2022',
    external: ['next', 'react', '@metered/core', 'zod'],
  },
  {
    // Both builds run at once, so neither cleans (the build script empties dist first).
    // The React entry is a client module: keep the directive at the top of the bundle.
    entry: { 'react/index': 'src/react/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    target: 'es2022',
    external: ['react', 'react-dom', 'react/jsx-runtime'],
    banner: { js: "'use client';" },
  },
])
