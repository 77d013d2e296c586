import { type ChildProcess, spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/**
 * The wrappers inside a real Next.js: `next build && next start` of test/next-app, whose routes
 * import the built dist (run `pnpm --filter @metered/next build` first). Slow (a production
 * build), so opt-in: METERED_NEXT_SMOKE=1. Checks what only a real Next can show: the default
 * after() finding Next's, the settle after a streamed response, a client disconnect reaching the
 * wrapper, on the Node.js and the Edge runtime.
 */
const enabled = process.env.METERED_NEXT_SMOKE === '1'
const appDir = fileURLToPath(new URL('./next-app', import.meta.url))
const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next')

function run(args: string[], port?: number): ChildProcess {
  return spawn(process.execPath, [nextBin, ...args, ...(port ? ['-p', String(port)] : [])], {
    cwd: appDir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

describe.skipIf(!enabled)('inside a real Next.js (next build + next start)', () => {
  let server: ChildProcess | null = null
  let base = ''

  beforeAll(async () => {
    const build = run(['build'])
    let output = ''
    build.stdout?.on('data', (d) => (output += d))
    build.stderr?.on('data', (d) => (output += d))
    const code = await new Promise<number | null>((resolve) => build.on('exit', resolve))
    if (code !== 0) throw new Error(`next build failed:\n${output}`)
    const port = await freePort()
    server = run(['start'], port)
    base = `http://127.0.0.1:${port}`
    for (let i = 0; i < 100; i++) {
      const up = await fetch(`${base}/`).then(
        (r) => r.ok,
        () => false,
      )
      if (up) return
      await new Promise((r) => setTimeout(r, 200))
    }
    throw new Error('next start did not come up')
  }, 600_000)

  afterAll(() => {
    server?.kill()
  })

  const settled = async (path: string, events: number) => {
    for (let i = 0; i < 50; i++) {
      const state = (await (await fetch(`${base}${path}`)).json()) as { events: unknown[] }
      if (state.events.length >= events) return state
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error('not settled')
  }

  it.each(['/api/turn', '/api/edge-turn'])(
    '%s: streams, settles 390 units, charges the produced part on abort',
    async (path) => {
      const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'x-user': 'u1' } })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toContain('text/event-stream')
      expect(res.headers.get('credits-remaining')).toBe('7.857')
      expect(res.headers.get('ratelimit-policy')).toBe('"minute";q=100;w=60')
      expect((await res.text()).match(/^data: /gm)).toHaveLength(5)
      expect(await settled(path, 1)).toMatchObject({ available: 9610, held: 0, events: [['ok', 390, 500]] })

      const controller = new AbortController()
      const slow = await fetch(`${base}${path}?slow`, {
        method: 'POST',
        headers: { 'x-user': 'u1' },
        signal: controller.signal,
      })
      const reader = slow.body!.getReader()
      let text = ''
      const deltas = () => (text.match(/"event":"response\.output_text\.delta"/g) ?? []).length
      while (deltas() < 3) text += new TextDecoder().decode((await reader.read()).value)
      controller.abort()
      const state = (await settled(path, 2)) as {
        available: number
        held: number
        events: Array<[string, number, number]>
      }
      const [status, amount, outputTokens] = state.events[1]!
      expect(status).toBe('aborted')
      expect(outputTokens).toBeGreaterThanOrEqual(30)
      expect(state).toMatchObject({ held: 0, available: 9610 - amount })

      expect((await fetch(`${base}${path}`, { method: 'POST' })).status).toBe(401)
    },
  )

  it.each(['/api/turn', '/api/edge-turn'])(
    '%s: a stream that charges only at its end, abandoned after 3 chunks, pays the estimate',
    async (path) => {
      const before = (await (await fetch(`${base}${path}`)).json()) as { available: number; events: unknown[] }
      const controller = new AbortController()
      const res = await fetch(`${base}${path}?at-end`, {
        method: 'POST',
        headers: { 'x-user': 'u1' },
        signal: controller.signal,
      })
      expect(res.status).toBe(200)
      const reader = res.body!.getReader()
      let text = ''
      while ((text.match(/^data: /gm) ?? []).length < 3) text += new TextDecoder().decode((await reader.read()).value)
      controller.abort()
      const state = (await settled(path, before.events.length + 1)) as {
        available: number
        held: number
        events: Array<[string, number, number]>
      }
      // the estimate: 100 input + 4096 output tokens of gpt-4.1-nano at list price x 1.3 = 2143 units
      expect(state.events).toContainEqual(['aborted', 2143, 4096])
      expect(state).toMatchObject({ held: 0, available: before.available - 2143 })
    },
  )
})
