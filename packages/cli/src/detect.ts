import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseJsonc } from './jsonc.js'
import type { Auth, Db, Redis } from './options.js'

/** What `metered init` found out about the app before writing anything. */
export interface Detected {
  /** The app's root (where package.json is). */
  root: string
  /** '' or 'src/': where app/, lib/ and instrumentation.ts live. */
  base: string
  typescript: boolean
  /** The major version of `next` in package.json, null when it is not a dependency. */
  nextMajor: number | null
  auth: Auth
  db: Exclude<Db, 'memory'>
  redis: Redis
  /** STRIPE_SECRET_KEY is set in an .env file (else the dev checkout stands in). */
  stripeKeys: boolean
  /** The import prefix for `<base>/x`, e.g. '@/', or null: the generated files import relatively. */
  alias: string | null
  /** The root layout, relative to root, or null. */
  layout: string | null
  /** Every dependency and devDependency in package.json. */
  dependencies: Record<string, string>
  /** The module (relative to base, no extension) that exports the app's auth, when one was found. */
  authModule: string | null
  packageManager: 'npm' | 'pnpm' | 'yarn' | 'bun'
}

/** Why init cannot run here at all. */
export class NotAnAppError extends Error {
  override name = 'NotAnAppError'
}

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8')
  } catch {
    return null
  }
}

/** `KEY=value` lines of every .env* file (values are never printed, only tested for presence). */
async function envKeys(root: string): Promise<Set<string>> {
  const keys = new Set<string>()
  for (const name of await readdir(root)) {
    if (!/^\.env(\..+)?$/.test(name) || name.endsWith('.example') || name.endsWith('.sample')) continue
    for (const line of ((await readText(join(root, name))) ?? '').split('\n')) {
      const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(\S.*)?$/.exec(line)
      if (match?.[1] && match[2] && !/^["']{2}$/.test(match[2].trim())) keys.add(match[1])
    }
  }
  return keys
}

function majorOf(range: string | undefined): number | null {
  const match = range ? /(\d+)/.exec(range) : null
  return match ? Number(match[1]) : null
}

function authOf(deps: Record<string, string>): Auth {
  if (deps['better-auth']) return 'better-auth'
  const nextAuth = deps['next-auth']
  if (!nextAuth) return 'none'
  return majorOf(nextAuth) === 5 || /beta/.test(nextAuth) ? 'authjs' : 'next-auth'
}

/** The tsconfig `paths` key whose target is the base dir (`"@/*": ["./src/*"]` -> '@/'). */
function aliasOf(tsconfig: unknown, base: string): string | null {
  const compilerOptions = (tsconfig as { compilerOptions?: { paths?: unknown; baseUrl?: unknown } } | null)
    ?.compilerOptions
  const paths = compilerOptions?.paths
  if (!paths || typeof paths !== 'object') return null
  const baseUrl = typeof compilerOptions.baseUrl === 'string' ? compilerOptions.baseUrl : '.'
  const want = normalise(join(baseUrl, base))
  for (const [key, targets] of Object.entries(paths as Record<string, unknown>)) {
    if (!key.endsWith('/*') || !Array.isArray(targets)) continue
    const first = targets[0]
    if (typeof first === 'string' && first.endsWith('/*') && normalise(first.slice(0, -2)) === want) {
      return key.slice(0, -1)
    }
  }
  return null
}

function normalise(path: string): string {
  const p = path
    .replace(/\\/g, '/')
    .replace(/^\.\/?/, '')
    .replace(/\/$/, '')
  return p === '.' ? '' : p
}

const AUTH_CANDIDATES: Record<Auth, string[]> = {
  'next-auth': ['lib/auth', 'auth', 'server/auth', 'lib/auth-options', 'app/api/auth/[...nextauth]/route'],
  authjs: ['auth', 'lib/auth', 'server/auth'],
  'better-auth': ['lib/auth', 'auth', 'server/auth'],
  none: [],
}

async function findAuthModule(root: string, base: string, auth: Auth): Promise<string | null> {
  const exported =
    auth === 'next-auth' ? /export\s+(const|let|var)\s+authOptions\b/ : /export\s+(const|let|var)\s*{?[^=]*\bauth\b/
  for (const candidate of AUTH_CANDIDATES[auth]) {
    for (const ext of ['.ts', '.tsx', '.js', '.mjs']) {
      const text = await readText(join(root, base, `${candidate}${ext}`))
      if (text !== null && exported.test(text)) return candidate
    }
  }
  return null
}

/** Reads package.json, tsconfig.json, the app folder and the .env files of the app in `root`. */
export async function detect(root: string): Promise<Detected> {
  const pkgText = await readText(join(root, 'package.json'))
  if (pkgText === null) throw new NotAnAppError(`no package.json in ${root}: run init in a Next.js app`)
  const pkg = parseJsonc(pkgText) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> }
  const dependencies = { ...pkg?.devDependencies, ...pkg?.dependencies }

  const base = existsSync(join(root, 'src', 'app')) && !existsSync(join(root, 'app')) ? 'src/' : ''
  if (!existsSync(join(root, base, 'app'))) {
    throw new NotAnAppError(`no app/ or src/app/ in ${root}: metered init supports the App Router only`)
  }
  const tsconfigText = await readText(join(root, 'tsconfig.json'))
  const typescript = tsconfigText !== null
  const env = await envKeys(root)
  const auth = authOf(dependencies)

  let layout: string | null = null
  for (const ext of ['tsx', 'jsx', 'js']) {
    if (existsSync(join(root, base, 'app', `layout.${ext}`))) {
      layout = `${base}app/layout.${ext}`
      break
    }
  }

  const packageManager = existsSync(join(root, 'pnpm-lock.yaml'))
    ? 'pnpm'
    : existsSync(join(root, 'yarn.lock'))
      ? 'yarn'
      : existsSync(join(root, 'bun.lockb')) || existsSync(join(root, 'bun.lock'))
        ? 'bun'
        : 'npm'

  return {
    root,
    base,
    typescript,
    nextMajor: majorOf(dependencies.next),
    auth,
    db: env.has('DATABASE_URL') ? 'postgres' : 'pglite',
    redis: env.has('UPSTASH_REDIS_REST_URL') || env.has('KV_REST_API_URL') ? 'upstash' : 'none',
    stripeKeys: env.has('STRIPE_SECRET_KEY'),
    alias: typescript ? aliasOf(parseJsonc(tsconfigText ?? ''), base) : null,
    layout,
    dependencies,
    authModule: await findAuthModule(root, base, auth),
    packageManager,
  }
}
