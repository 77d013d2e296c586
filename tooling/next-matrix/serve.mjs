/**
 * `next start` of a built matrix app and a few requests that show each version hands the routes
 * their params (a plain object on Next 14, a promise on 15+) and the wrappers answer as documented,
 * on the Postgres stores that instrumentation.ts migrated at start (a store that is not migrated
 * answers 503 to every metered call). Then a second `next start` on the same database: the
 * balances the first one left are there, so they live in Postgres, not in the process.
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

/**
 * What each request must answer, in order: [method, path, status, fields the JSON body must
 * have, caller (u1), headers the response must have]. `reader` starts with 10 credits (seeded
 * into Postgres on the first request); things/5 charges 1 of them.
 */
const expectations = [
  ['GET', '/api/items/42', 200, { id: '42' }],
  ['GET', '/api/credits/balance', 200, { account: 'u1', available: 0 }],
  ['GET', '/api/credits/balance', 200, { account: 'reader', available: 10 }, 'reader'],
  ['POST', '/api/generate', 402, {}],
  ['POST', '/api/items/7', 402, {}],
  ['POST', '/api/things/5', 200, { id: 5, next: 6, note: 'n' }, 'reader', { 'credits-remaining': '9' }],
  ['POST', '/api/things/five', 400, {}, 'reader'],
  ['GET', '/api/credits/balance', 200, { account: 'reader', available: 9 }, 'reader'],
]

/** After a restart on the same database: what the first server left (the actions below spent 4 of rich's 10). */
const afterRestart = [
  ['GET', '/api/credits/balance', 200, { account: 'reader', available: 9 }, 'reader'],
  ['GET', '/api/credits/balance', 200, { account: 'rich', available: 6 }, 'rich'],
]

async function request(base, [method, path, status, fields, user = 'u1', headers = {}]) {
  const init = { method, headers: { 'x-user': user, 'content-type': 'application/json' } }
  if (method === 'POST') init.body = JSON.stringify({ prompt: 'hi', note: 'n' })
  const res = await fetch(`${base}${path}`, init)
  const text = await res.text()
  const want = `${status} with ${JSON.stringify(fields)}${Object.keys(headers).length > 0 ? ` and ${JSON.stringify(headers)}` : ''}`
  const got = `${res.status} ${[...Object.keys(headers)].map((h) => `${h}: ${res.headers.get(h)} `).join('')}${text}`
  const wrong = `${method} ${path} as ${user}: expected ${want}, got ${got}`
  if (res.status !== status) return wrong
  if (Object.entries(headers).some(([k, v]) => res.headers.get(k) !== v)) return wrong
  const body = JSON.parse(text)
  return Object.entries(fields).every(([k, v]) => body[k] === v) ? null : wrong
}

async function requests(base, list) {
  const failures = []
  for (const expectation of list) {
    const failure = await request(base, expectation)
    if (failure) failures.push(failure)
  }
  return failures
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

/**
 * Runs `next start` in `app`, calls `body(base)` once it answers, stops it. Resolves with
 * body's failures and what the server printed.
 */
async function withServer(app, log, body) {
  const port = await freePort()
  const out = createWriteStream(log, { flags: 'a' })
  out.write(`\n$ next start -p ${port}\n`)
  const child = spawn(process.execPath, [join(app, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port)], {
    cwd: app,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let printed = ''
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (d) => {
      printed += d
      out.write(d)
    })
  }
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
    if (!up) return { failures: ['next start did not come up in 30 s'], printed }
    return { failures: await body(base), printed }
  } finally {
    const closed = new Promise((resolve) => child.on('close', resolve))
    child.kill()
    await closed
    out.end()
  }
}

/**
 * Starts the app on a fresh database, runs the requests and the actions; starts it again and
 * reads the balances back. Resolves with the failures (empty when all pass).
 */
export async function serve(app, log) {
  const first = await withServer(app, log, async (base) => [
    ...(await requests(base, expectations)),
    ...(await actions(base)),
  ])
  // instrumentation.ts logs the migrations it applied; none means register() never ran migrate
  if (!first.printed.includes('metered: applied migrations')) {
    first.failures.unshift(
      'the first start printed no "metered: applied migrations" (instrumentation.ts did not migrate)',
    )
  }
  if (first.failures.length > 0) return first.failures
  const second = await withServer(app, log, (base) => requests(base, afterRestart))
  if (second.printed.includes('metered: applied migrations')) {
    second.failures.push('the second start applied migrations again: the first one left no schema behind')
  }
  return second.failures.map((f) => `after a restart: ${f}`)
}
