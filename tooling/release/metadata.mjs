/**
 * The registry metadata every published `@metered/*` package carries, in one place. The repository
 * URL is a placeholder the maintainers confirm before the first release: change it here, run
 * `node tooling/release/metadata.mjs --write`, and `pnpm check:packages` asserts every
 * package.json and every README link agree with it.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = fileURLToPath(new URL('../..', import.meta.url))

export const REPOSITORY_URL = 'git+https://github.com/metered-dev/metered.git'
export const GITHUB = 'https://github.com/metered-dev/metered'
/** Where a package README's links point: the registry page cannot follow `../../docs`. */
export const BLOB = `${GITHUB}/blob/main`

const SHARED_KEYWORDS = ['metering', 'credits', 'usage-based-billing', 'rate-limit', 'nextjs']

/** Keywords of each package beyond the shared ones. */
const KEYWORDS = {
  core: ['ledger', 'rate-limiter', 'ai', 'llm', 'pricing'],
  next: ['next', 'react', 'app-router', 'ai-sdk', 'next-auth', 'streaming'],
  postgres: ['postgres', 'postgresql', 'kysely', 'neon', 'pgbouncer'],
  redis: ['redis', 'upstash', 'ioredis', 'lua'],
  stripe: ['stripe', 'checkout', 'webhooks', 'payments'],
  cli: ['cli', 'scaffold', 'codemod', 'create-next-app'],
}

/** The fields `metadataOf(dir)` fixes, in the order they follow `license` in package.json. */
export function metadataOf(dir) {
  return {
    license: 'MIT',
    repository: { type: 'git', url: REPOSITORY_URL, directory: `packages/${dir}` },
    homepage: `${GITHUB}/tree/main/packages/${dir}#readme`,
    bugs: { url: `${GITHUB}/issues` },
    keywords: [...SHARED_KEYWORDS, ...(KEYWORDS[dir] ?? [])],
    engines: { node: '>=20.9' },
    // scoped packages publish as restricted (paid, private) unless told otherwise
    publishConfig: { access: 'public' },
  }
}

/** The directories under packages/ whose package.json is published (not `private`). */
export function publishedDirs() {
  return readdirSync(join(root, 'packages'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .filter((dir) => {
      try {
        return !JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')).private
      } catch {
        return false
      }
    })
    .sort()
}

/** Writes `metadataOf(dir)` into packages/<dir>/package.json, right after `description`. */
function write(dir) {
  const file = join(root, 'packages', dir, 'package.json')
  const pkg = JSON.parse(readFileSync(file, 'utf8'))
  const meta = metadataOf(dir)
  const out = {}
  for (const [key, value] of Object.entries(pkg)) {
    if (key in meta) continue
    out[key] = value
    if (key === 'description') Object.assign(out, meta)
  }
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`)
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--write')) {
  for (const dir of publishedDirs()) write(dir)
  console.log(
    `metadata written to ${publishedDirs()
      .map((d) => `packages/${d}`)
      .join(', ')}`,
  )
}
