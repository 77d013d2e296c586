/**
 * The Next.js versions @metered/next is built against, each with the React and type packages
 * that create-next-app of that major installs, and the pair the OpenAI Responses starter ships
 * (Next 15.2 with React 18; `id` tells two entries of one Next version apart). Next is pinned exactly (a new release must not
 * turn the check red overnight); bump the pins deliberately. The oldest entry is the floor of
 * the `next` peer range in packages/next/package.json.
 */
import { createNextAppTsconfig } from '../next-tsconfig.mjs'

export const versions = [
  { next: '14.2.35', react: '^18', types: '^18', major: 'next14' },
  { next: '15.2.9', react: '^19', types: '^19', major: 'next15' },
  { next: '15.2.9', id: '15.2.9-react18', react: '^18', types: '^18', major: 'next15' },
  { next: '15.5.29', react: '^19', types: '^19', major: 'next15' },
  { next: '16.4.6', react: '^19', types: '^19', major: 'next16' },
]

/** tsconfig.json exactly as create-next-app (templates/app/ts) of each major writes it. */
export const tsconfigs = {
  next14: createNextAppTsconfig(14),
  next15: createNextAppTsconfig(15),
  next16: createNextAppTsconfig(16),
}

/**
 * next.config.mjs per major with the lines getting-started.md asks for: PGlite left out of the
 * server bundle, and on Next 14 the instrumentation hook (off by default there, so
 * instrumentation.ts and its migrate(db) would never run) and the older name of that key.
 */
const nextConfig = (lines) =>
  `/** @type {import('next').NextConfig} */\nconst nextConfig = {\n${lines}\n}\n\nexport default nextConfig\n`

export const nextConfigs = {
  next14: nextConfig(
    "  experimental: { instrumentationHook: true, serverComponentsExternalPackages: ['@electric-sql/pglite'] },",
  ),
  next15: nextConfig("  serverExternalPackages: ['@electric-sql/pglite'],"),
  next16: nextConfig("  serverExternalPackages: ['@electric-sql/pglite'],"),
}
