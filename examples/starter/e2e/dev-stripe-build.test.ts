import { type ChildProcess, spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { APP_DIR, freePort } from './app-server'

// `createDevStripe` in a real `next build` + `next start` of e2e/dev-stripe-app, which wires the
// development checkout exactly as @metered/stripe's README shows it. A CI build has no Stripe
// keys: the build must not fail on it, and the production server must refuse to sell through
// the in-memory Stripe with a clear error rather than hand out free credits.
const APP = path.join(APP_DIR, 'e2e', 'dev-stripe-app')
const nextBin = path.join(APP_DIR, 'node_modules', 'next', 'dist', 'bin', 'next')

function run(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', APP_URL: 'http://localhost:3000' }
  for (const name of ['NODE_ENV', 'NEXT_PHASE', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET']) delete env[name]
  let output = ''
  const child = spawn(process.execPath, [nextBin, ...args], { cwd: APP, env, detached: true, stdio: 'pipe' })
  child.stdout?.on('data', (d) => (output += d))
  child.stderr?.on('data', (d) => (output += d))
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  return { child, output: () => output, exited }
}

function stop(child: ChildProcess | undefined): void {
  if (child?.pid && child.exitCode === null) {
    try {
      process.kill(-child.pid, 'SIGTERM')
    } catch {}
  }
}

describe('createDevStripe as documented, in a production Next build', () => {
  let build: ReturnType<typeof run>
  let buildCode: number | null = null
  let server: ReturnType<typeof run> | undefined
  let base = ''

  beforeAll(async () => {
    rmSync(path.join(APP, '.next'), { recursive: true, force: true })
    build = run(['build'])
    buildCode = await build.exited
  }, 300_000)

  afterAll(async () => {
    stop(server?.child)
    await server?.exited
    rmSync(path.join(APP, '.next'), { recursive: true, force: true })
  })

  test('next build succeeds without Stripe keys (the dev client is inert while collecting page data)', () => {
    expect(buildCode, build.output()).toBe(0)
    expect(build.output()).not.toContain('createDevStripe')
  })

  test('next start serves the pages, and refuses a checkout through the dev client with a clear error', async () => {
    expect(buildCode, build.output()).toBe(0)
    const port = await freePort()
    server = run(['start', '-p', String(port)])
    base = `http://127.0.0.1:${port}`
    let page: Response | null = null
    for (let i = 0; i < 150 && !page; i++) {
      page = await fetch(`${base}/`).catch(() => null)
      if (!page) await new Promise((r) => setTimeout(r, 200))
    }
    expect(page?.status, server.output()).toBe(200)
    expect(await page?.text()).toContain('data-packs="1"')

    const checkout = await fetch(`${base}/api/checkout`, { method: 'POST' })
    expect(checkout.status).toBe(500)
    await expect.poll(() => server?.output()).toContain('createDevStripe is for development')
  })
})
