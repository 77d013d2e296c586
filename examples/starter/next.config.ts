import type { NextConfig } from 'next'

const config: NextConfig = {
  // PGlite loads its WASM and data files from its own package directory at run time.
  serverExternalPackages: ['@electric-sql/pglite', 'pg'],
  // The e2e tests run a second server from the same directory: keep its build output apart.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  poweredByHeader: false,
}

export default config
