import { type ChildProcess, spawn } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { APP_DIR, CONFIG_VARS, freePort } from './app-server'
import { exec, METERED_PACKAGES, packMetered, removePackedMetered } from './metered-tarballs'

// The README's "Use it outside this repository", step by step, in a directory outside the
// workspace: copy the app, drop the test kit, install the packed @metered packages and the rest
// from the registry with npm, then `next build` and `next start`. Nothing here can resolve into
// the monorepo: no pnpm links, no workspace protocol, no parent node_modules.

/** Not part of the template: installed or generated here, or the monorepo's tests of it. */
const NOT_COPIED = new Set(['node_modules', '.next', '.next-e2e', '.turbo', '.data', 'e2e', 'vitest.config.ts'])

/** A user's shell: none of this run's package-manager, test-runner or app configuration. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|VITEST|TURBO_|INIT_CWD$|NODE_ENV$|NODE_OPTIONS$)/i.test(name)) continue
    if (CONFIG_VARS.includes(name)) continue
    env[name] = value
  }
  Object.assign(env, { NEXT_TELEMETRY_DISABLED: '1' }, extra)
  // without NODE_ENV, as in a shell: `npm install` then installs the devDependencies the build needs
  return env as NodeJS.ProcessEnv
}

const MINUTE = 60_000

describe('the example copied out of the repository, on the packed packages and npm', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'metered-template-'))
  const app = path.join(work, 'my-app')
  let server: ChildProcess | undefined
  let serverOutput = ''
  let serverExited: Promise<unknown> = Promise.resolve()

  beforeAll(async () => {
    expect(path.relative(path.resolve(APP_DIR, '..', '..'), work).startsWith('..')).toBe(true)
    const tarballs = await packMetered()
    cpSync(APP_DIR, app, {
      recursive: true,
      filter: (source) => !NOT_COPIED.has(path.relative(APP_DIR, source).split(path.sep)[0] ?? ''),
    })
    const npm = (args: string[], timeoutMs: number) => exec('npm', args, { cwd: app, env: userEnv(), timeoutMs })
    await npm(
      [
        'pkg',
        'delete',
        'devDependencies.@metered/tooling',
        'devDependencies.vitest',
        'devDependencies.playwright-core',
      ],
      MINUTE,
    )
    await npm(['install', '--no-audit', '--no-fund', ...tarballs], 10 * MINUTE)
  }, 20 * MINUTE)

  afterAll(async () => {
    if (server?.pid && server.exitCode === null) {
      try {
        process.kill(-server.pid, 'SIGTERM')
      } catch {}
      await Promise.race([serverExited, new Promise((r) => setTimeout(r, 15_000))])
      try {
        process.kill(-server.pid, 'SIGKILL')
      } catch {}
    }
    rmSync(work, { recursive: true, force: true })
    removePackedMetered()
  })

  test('package.json points the @metered dependencies at the tarballs, nothing at the workspace', () => {
    const pkg = JSON.parse(readFileSync(path.join(app, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>
      devDependencies: Record<string, string>
    }
    const all = { ...pkg.dependencies, ...pkg.devDependencies }
    expect(Object.values(all).filter((range) => range.startsWith('workspace:'))).toEqual([])
    for (const name of METERED_PACKAGES) {
      expect(pkg.dependencies[`@metered/${name}`]).toMatch(new RegExp(`^file:.*metered-${name}-[\\d.]+\\.tgz$`))
    }
    expect(all['@metered/tooling']).toBeUndefined()
    // npm installed each package once, at the top: @metered/next's own @metered/core is the tarball's.
    const lock = readFileSync(path.join(app, 'package-lock.json'), 'utf8')
    expect(lock).not.toContain('node_modules/@metered/next/node_modules/@metered/core')
  })

  test(
    'next build succeeds, and next start serves the chat page and refuses the signed-out API',
    async () => {
      await exec(process.execPath, [path.join(app, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], {
        cwd: app,
        env: userEnv(),
        timeoutMs: 20 * MINUTE,
      })
      const port = await freePort()
      const base = `http://127.0.0.1:${port}`
      server = spawn(
        process.execPath,
        [path.join(app, 'node_modules', 'next', 'dist', 'bin', 'next'), 'start', '-p', String(port)],
        {
          cwd: app,
          // next-auth refuses to start a production server without a secret; PGlite in the copy.
          env: userEnv({
            AUTH_SECRET: 'template-copy-test-secret',
            APP_URL: base,
            PGLITE_DIR: path.join(work, 'pglite'),
          }),
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      )
      server.stdout?.on('data', (d) => (serverOutput += d))
      server.stderr?.on('data', (d) => (serverOutput += d))
      const running = server
      serverExited = new Promise((resolve) => running.once('exit', resolve))

      // Up when it answers; it may take a while on a busy machine, never longer than 3 minutes.
      let page: Response | null = null
      const deadline = Date.now() + 3 * MINUTE
      while (!page && Date.now() < deadline && running.exitCode === null) {
        page = await fetch(`${base}/`).catch(() => null)
        if (!page) await new Promise((r) => setTimeout(r, 300))
      }
      expect(page?.status, serverOutput).toBe(200)
      expect(await page?.text()).toContain('Chat')

      const balance = await fetch(`${base}/api/credits/balance`)
      expect(balance.status, serverOutput).toBe(401)
      expect(balance.headers.get('content-type')).toContain('application/problem+json')
      expect(await balance.json()).toMatchObject({ status: 401, code: 'unauthenticated' })
    },
    25 * MINUTE,
  )
})
