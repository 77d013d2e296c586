import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const APP_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export interface AppServer {
  url: string
  /** Everything the server printed, for failure messages. */
  log(): string
  stop(): Promise<void>
}

export interface StartAppOptions {
  databaseUrl?: string
  name: string
  /** Extra environment, e.g. OPENAI_API_KEY + OPENAI_BASE_URL for a fake OpenAI. */
  env?: Record<string, string>
}

/** Env variables that would switch the app away from its embedded defaults. */
export const CONFIG_VARS = [
  'DATABASE_URL',
  'UPSTASH_REDIS_REST_URL',
  'UPSTASH_REDIS_REST_TOKEN',
  'METERED_REDIS_PREFIX',
  'STRIPE_SECRET_KEY',
  'STRIPE_WEBHOOK_SECRET',
  'GOOGLE_CLIENT_ID',
  'GOOGLE_CLIENT_SECRET',
  'OPENAI_API_KEY',
  'OPENAI_BASE_URL',
  'OPENAI_MODEL',
  'AUTH_SECRET',
  'NEXTAUTH_SECRET',
  'METERED_ADMIN_EMAILS',
  'APP_URL',
  'NEXTAUTH_URL',
]

const PACKAGES_DIR = path.resolve(APP_DIR, '../../packages')
const STAMP = '.packages-built-at'

/**
 * Empties the e2e build directory when the packages were rebuilt since it was filled: Turbopack's
 * cache does not notice a rebuilt workspace package, and would serve the app compiled against
 * the old one.
 */
function dropStaleCache(dir: string): void {
  let newest = 0
  for (const pkg of readdirSync(PACKAGES_DIR)) {
    const dist = path.join(PACKAGES_DIR, pkg, 'dist')
    if (!existsSync(dist)) continue
    for (const file of readdirSync(dist)) newest = Math.max(newest, statSync(path.join(dist, file)).mtimeMs)
  }
  const stamp = path.join(dir, STAMP)
  const built = String(newest)
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === built) return
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  writeFileSync(stamp, built)
}

/**
 * Starts the example with `next dev` on a free port: the development sign-in and checkout only
 * exist outside production builds (NODE_ENV is inlined at build time), which is what these tests
 * drive. A fresh PGlite directory (or the given DATABASE_URL) and its own build directory.
 */
export async function startApp(options: StartAppOptions): Promise<AppServer> {
  const port = await freePort()
  const url = `http://localhost:${port}`
  const dataDir = mkdtempSync(path.join(tmpdir(), `starter-e2e-${options.name}-`))
  // One build directory for every e2e server (they run one after another): the second server and
  // later runs start from Turbopack's cache instead of compiling every route again.
  const distDir = '.next-e2e'
  dropStaleCache(path.join(APP_DIR, distDir))
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const name of CONFIG_VARS) delete env[name]
  Object.assign(env, {
    NODE_ENV: 'development',
    NEXT_TELEMETRY_DISABLED: '1',
    APP_URL: url,
    NEXTAUTH_URL: url,
    PGLITE_DIR: path.join(dataDir, 'pglite'),
    NEXT_DIST_DIR: distDir,
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...options.env,
  })
  const nextBin = path.join(APP_DIR, 'node_modules', 'next', 'dist', 'bin', 'next')
  if (!existsSync(nextBin)) throw new Error(`next is not installed in ${APP_DIR}: run pnpm install first`)
  let output = ''
  const child: ChildProcess = spawn(process.execPath, [nextBin, 'dev', '-p', String(port)], {
    cwd: APP_DIR,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout?.on('data', (d) => {
    output += d
  })
  child.stderr?.on('data', (d) => {
    output += d
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))

  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM')
      } catch {}
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))])
      try {
        process.kill(-child.pid, 'SIGKILL')
      } catch {}
    }
    // The build directory stays: Turbopack's cache in it makes the next run start faster.
    rmSync(dataDir, { recursive: true, force: true })
  }

  const deadline = Date.now() + 180_000
  for (;;) {
    if (child.exitCode !== null) {
      await stop()
      throw new Error(`next dev exited with code ${child.exitCode}:\n${output}`)
    }
    try {
      const res = await fetch(`${url}/api/auth/providers`)
      if (res.ok) break
    } catch {}
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`next dev did not answer within 180 s:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 300))
  }
  return { url, log: () => output, stop }
}

/** The routes a suite opens: pages, and API routes it GETs or POSTs. */
export interface Routes {
  pages: string[]
  gets: string[]
  posts: string[]
}

/** Every route of the starter's chat, images, packs, profile and admin. */
export const STARTER_ROUTES: Routes = {
  pages: ['/', '/signin', '/images', '/buy-credits', '/profile', '/admin', '/checkout/success', '/checkout/dev'],
  gets: ['/api/credits/balance', '/api/profile', '/api/admin/users'],
  posts: [
    '/api/turn_response',
    '/api/generate-image',
    '/api/checkout',
    '/api/webhooks/stripe',
    '/api/dev-checkout/pay',
  ],
}

/**
 * `next dev` compiles a route at its first request: ask for every route at once so the tests
 * do not wait for the compiler one page at a time.
 */
export async function warmUp(app: AppServer, routes: Routes = STARTER_ROUTES): Promise<void> {
  try {
    await Promise.all([
      ...routes.pages.map((p) => fetch(app.url + p, { redirect: 'manual' }).then((r) => r.arrayBuffer())),
      ...routes.gets.map((p) => fetch(app.url + p).then((r) => r.arrayBuffer())),
      ...routes.posts.map((p) => fetch(app.url + p, { method: 'POST', body: '{}' }).then((r) => r.arrayBuffer())),
    ])
  } catch (error) {
    throw new Error(`warming up the routes failed; the server said:\n${app.log().slice(-6000)}`, { cause: error })
  }
}
