import { spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
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
    timeoutMs: 15 * 60_000,
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

/** `next start` of a built app (or `next dev`) on a free port; `stop()` ends that one process. */
export async function nextStart(
  app: string,
  env: Record<string, string>,
  mode: 'start' | 'dev' = 'start',
): Promise<{ base: string; stop(): Promise<void> }> {
  const port = await freePort()
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

/** A POST with a JSON body as a given development user (the generated dev identity's header). */
export function post(base: string, path: string, user: string | null, body: unknown = {}): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (user) headers['x-metered-dev-user'] = user
  return fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) })
}

export function get(base: string, path: string, user: string | null): Promise<Response> {
  return fetch(`${base}${path}`, { headers: user ? { 'x-metered-dev-user': user } : {} })
}
