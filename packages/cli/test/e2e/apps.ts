import { spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { pack as packPackages, run, why } from '../../../../tooling/pack.mjs'

export const cliBin = fileURLToPath(new URL('../../dist/cli.js', import.meta.url))

/** A temp dir outside the workspace (so npm resolves like a user's app), with the packed packages. */
export async function workspaceOutside(packages: string[]): Promise<{ dir: string; tarballs: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'metered-cli-e2e-'))
  console.log(`[cli e2e] working in ${dir}`)
  return { dir, tarballs: await packPackages(dir, packages) }
}

/** Runs a step of the scenario; throws with the lines that say why when it fails. */
export async function step(
  app: string,
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<string> {
  const { code, text } = await run(cmd, args, {
    cwd: app,
    log: join(app, 'e2e.log'),
    env,
    timeoutMs: 30 * 60_000,
    label: 'cli e2e',
  })
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${code}):\n${why(text)}`)
  return text
}

export function npmInstall(app: string, packages: string[]): Promise<string> {
  // --prefer-offline: the npm cache (~/.npm) serves whatever an earlier run downloaded
  return step(app, 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...packages])
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/**
 * `next start` of a built app (or `next dev`) on a free port; `stop()` ends that one process.
 * `env` may depend on the address the app will answer at (Better Auth's BETTER_AUTH_URL).
 */
export async function nextStart(
  app: string,
  envFor: Record<string, string> | ((base: string) => Record<string, string>),
  mode: 'start' | 'dev' = 'start',
): Promise<{ base: string; stop(): Promise<void> }> {
  const port = await freePort()
  const env = typeof envFor === 'function' ? envFor(`http://127.0.0.1:${port}`) : envFor
  const out = createWriteStream(join(app, 'e2e.log'), { flags: 'a' })
  const child = spawn(process.execPath, [join(app, 'node_modules/next/dist/bin/next'), mode, '-p', String(port)], {
    cwd: app,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout.pipe(out)
  child.stderr.pipe(out)
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()))
  const stop = async () => {
    child.kill()
    await closed
  }
  const base = `http://127.0.0.1:${port}`
  // next dev compiles the first page it serves: minutes on a busy machine
  const tries = mode === 'dev' ? 900 : 150
  for (let i = 0; i < tries; i++) {
    const up = await fetch(base).then(
      () => true,
      () => false,
    )
    if (up) return { base, stop }
    await new Promise((r) => setTimeout(r, 200))
  }
  await stop()
  throw new Error(`next ${mode} did not answer within ${tries / 5} s`)
}

/**
 * Better Auth as its docs set it up in a Next.js app (written by hand before init): the instance
 * on the app's Postgres with email and password, and its catch-all route.
 */
export const BETTER_AUTH_FILES: Record<string, string> = {
  'lib/auth.ts': `import { betterAuth } from "better-auth";
import { Pool } from "pg";

export const auth = betterAuth({
  database: new Pool({ connectionString: process.env.DATABASE_URL }),
  emailAndPassword: { enabled: true },
});
`,
  'app/api/auth/[...all]/route.ts': `import { toNextJsHandler } from "better-auth/next-js";
import { auth } from "@/lib/auth";

export const { GET, POST } = toNextJsHandler(auth);
`,
}

/** Creates Better Auth's tables in DATABASE_URL (what `npx @better-auth/cli migrate` does). */
export async function migrateBetterAuth(app: string, databaseUrl: string): Promise<void> {
  const script = join(app, 'migrate-better-auth.mjs')
  await writeFile(
    script,
    `import { getMigrations } from 'better-auth/db/migration'
import pg from 'pg'
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL })
const { runMigrations } = await getMigrations({ database: pool, emailAndPassword: { enabled: true } })
await runMigrations()
await pool.end()
`,
  )
  await step(app, process.execPath, [script], { DATABASE_URL: databaseUrl })
}

/** The env a built app with Better Auth needs, for the address it answers at. */
export function betterAuthEnv(databaseUrl: string, more: Record<string, string> = {}) {
  return (base: string): Record<string, string> => ({
    DATABASE_URL: databaseUrl,
    BETTER_AUTH_SECRET: 'e2e-secret-0123456789abcdef0123456789abcdef',
    BETTER_AUTH_URL: base,
    ...more,
  })
}

/** The session cookie of a Better Auth answer, as a browser sends it back. */
function cookieOf(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ')
}

const PASSWORD = 'correct horse battery staple'

/** Signs a new user up through the app's Better Auth route; their session cookie. */
export async function signUp(base: string, name: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/sign-up/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ email: `${name}@example.com`, password: PASSWORD, name }),
  })
  if (res.status !== 200) throw new Error(`sign-up of ${name}: ${res.status} ${await res.text()}`)
  return cookieOf(res)
}

/** Signs an existing user in again (a new session); its cookie. */
export async function signIn(base: string, name: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ email: `${name}@example.com`, password: PASSWORD }),
  })
  if (res.status !== 200) throw new Error(`sign-in of ${name}: ${res.status} ${await res.text()}`)
  return cookieOf(res)
}

/** Who a request comes from: a session cookie, a development user id (`x-metered-dev-user`), or nobody. */
export type Caller = { cookie: string } | { devUser: string } | null

function callerHeaders(caller: Caller): Record<string, string> {
  if (caller === null) return {}
  return 'cookie' in caller ? { cookie: caller.cookie } : { 'x-metered-dev-user': caller.devUser }
}

/** A POST with a JSON body as `caller`. */
export function post(base: string, path: string, caller: Caller, body: unknown = {}): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...callerHeaders(caller) },
    body: JSON.stringify(body),
  })
}

export function get(base: string, path: string, caller: Caller): Promise<Response> {
  return fetch(`${base}${path}`, { headers: callerHeaders(caller) })
}
