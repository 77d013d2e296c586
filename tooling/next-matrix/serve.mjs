/**
 * `next start` of a built matrix app and a few requests that show each version hands the routes
 * their params (a plain object on Next 14, a promise on 15+) and the wrappers answer as documented.
 */
import { spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** What each request must answer: [method, path, status, fields the JSON body must have]. */
const expectations = [
  ['GET', '/api/items/42', 200, { id: '42' }],
  ['GET', '/api/credits/balance', 200, { account: 'u1', available: 0 }],
  ['POST', '/api/generate', 402, {}],
  ['POST', '/api/items/7', 402, {}],
]

async function request(base, [method, path, status, fields]) {
  const init = { method, headers: { 'x-user': 'u1', 'content-type': 'application/json' } }
  if (method === 'POST') init.body = JSON.stringify({ prompt: 'hi', note: 'n' })
  const res = await fetch(`${base}${path}`, init)
  const text = await res.text()
  const wrong = `${method} ${path}: expected ${status} with ${JSON.stringify(fields)}, got ${res.status} ${text}`
  if (res.status !== status) return wrong
  const body = JSON.parse(text)
  return Object.entries(fields).every(([k, v]) => body[k] === v) ? null : wrong
}

/** Starts the app, runs the requests, stops it. Resolves with the failures (empty when all pass). */
export async function serve(app, log) {
  const port = await freePort()
  const out = createWriteStream(log, { flags: 'a' })
  out.write(`\n$ next start -p ${port}\n`)
  const child = spawn(process.execPath, [join(app, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port)], {
    cwd: app,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout.pipe(out)
  child.stderr.pipe(out)
  const base = `http://127.0.0.1:${port}`
  try {
    let up = false
    for (let i = 0; i < 150 && !up; i++) {
      up = await fetch(base).then(
        (r) => r.ok,
        () => false,
      )
      if (!up) await new Promise((r) => setTimeout(r, 200))
    }
    if (!up) return ['next start did not come up in 30 s']
    const failures = []
    for (const expectation of expectations) {
      const failure = await request(base, expectation)
      if (failure) failures.push(failure)
    }
    return failures
  } finally {
    const closed = new Promise((resolve) => child.on('close', resolve))
    child.kill()
    await closed
  }
}
