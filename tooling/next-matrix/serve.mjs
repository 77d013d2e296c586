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

/** What each request must answer: [method, path, status, fields the JSON body must have, caller (u1)]. */
const expectations = [
  ['GET', '/api/items/42', 200, { id: '42' }],
  ['GET', '/api/credits/balance', 200, { account: 'u1', available: 0 }],
  ['POST', '/api/generate', 402, {}],
  ['POST', '/api/items/7', 402, {}],
  ['POST', '/api/things/5', 200, { id: 5, next: 6, note: 'n' }, 'reader'],
  ['POST', '/api/things/five', 400, {}, 'reader'],
]

async function request(base, [method, path, status, fields, user = 'u1']) {
  const init = { method, headers: { 'x-user': user, 'content-type': 'application/json' } }
  if (method === 'POST') init.body = JSON.stringify({ prompt: 'hi', note: 'n' })
  const res = await fetch(`${base}${path}`, init)
  const text = await res.text()
  const wrong = `${method} ${path}: expected ${status} with ${JSON.stringify(fields)}, got ${res.status} ${text}`
  if (res.status !== status) return wrong
  const body = JSON.parse(text)
  return Object.entries(fields).every(([k, v]) => body[k] === v) ? null : wrong
}

/**
 * Metered Server Actions, in order (the balance carries over): [form id on /actions, caller,
 * arguments, fields the action's result must have]. `rich` starts with 10 credits; summarize
 * costs 2, explode holds 3 and throws, so its hold must come back.
 */
const actionExpectations = [
  ['summarize', 'poor', [{ text: 'hello' }], { ok: false, reason: 'insufficient_credits', available: 0, required: 2 }],
  ['summarize', null, [{ text: 'hello' }], { ok: false, reason: 'unauthenticated' }],
  ['summarize', 'rich', [{ text: '' }], { ok: false, reason: 'invalid_input' }],
  ['summarize', 'rich', [{ text: 'hello' }], { ok: true, available: 8 }],
  ['explode', 'rich', [null], { ok: false, reason: 'internal' }],
  ['summarize', 'rich', [{ text: 'hello again' }], { ok: true, available: 6 }],
]

/** The Server Action ids React rendered into the forms of /actions, by form id. */
async function actionIds(base) {
  const html = await (await fetch(`${base}/actions`)).text()
  const ids = {}
  for (const m of html.matchAll(/<form id="(\w+)"[^>]*>\s*<input type="hidden" name="\$ACTION_ID_([0-9a-f]+)"/g)) {
    ids[m[1]] = m[2]
  }
  return ids
}

/**
 * Calls a Server Action the way Next's client does (`callServer`): a POST to the page with the
 * action id in `Next-Action` and the arguments as the body, answered in React's flight format,
 * where row 1 is the action's return value.
 */
async function callAction(base, id, user, args) {
  const headers = {
    'next-action': id,
    accept: 'text/x-component',
    'content-type': 'text/plain;charset=UTF-8',
    origin: base,
  }
  if (user) headers['x-user'] = user
  const res = await fetch(`${base}/actions`, { method: 'POST', headers, body: JSON.stringify(args) })
  const text = await res.text()
  const row = text.split('\n').find((line) => line.startsWith('1:'))
  if (res.status !== 200 || !row) return { error: `${res.status} ${text.slice(0, 300)}` }
  return { value: JSON.parse(row.slice(2)) }
}

async function actions(base) {
  const ids = await actionIds(base)
  const failures = []
  for (const [form, user, args, fields] of actionExpectations) {
    const what = `action ${form} as ${user}(${JSON.stringify(args)})`
    if (!ids[form]) {
      failures.push(`${what}: no $ACTION_ID_ in the form #${form} of /actions`)
      continue
    }
    const { value, error } = await callAction(base, ids[form], user, args)
    const ok = !error && Object.entries(fields).every(([k, v]) => value?.[k] === v)
    if (!ok) failures.push(`${what}: expected ${JSON.stringify(fields)}, got ${error ?? JSON.stringify(value)}`)
  }
  return failures
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
    failures.push(...(await actions(base)))
    return failures
  } finally {
    const closed = new Promise((resolve) => child.on('close', resolve))
    child.kill()
    await closed
  }
}
