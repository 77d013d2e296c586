import { fixedWindow } from '@metered/core'
import { describe, expect, it } from 'vitest'
import type { ActionResult, Identity } from '../src/index.js'
import { noParams, post, setup } from './server-helpers.js'

// What the three wrappers take from the caller rather than the body: the identity the app's
// identify returns and the limiter key the route's `limit` function derives. A hostile value there
// (NUL, 10,000 characters, not a string) is the same typed refusal in all three: 400 problem+json
// `invalid_input` for a route, the `invalid_input` refusal for an action; nothing moves.

const rules = { minute: fixedWindow({ limit: 100, window: '1 m' }) }
const long = 'u'.repeat(10_000)

/** Hostile identities: the id, the account, and the id recorded as the user of a team account. */
const identities: Array<[string, Identity]> = [
  ['id with NUL', { id: 'u\u0000' }],
  ['id of 10,000 characters', { id: long }],
  ['account with NUL', { id: 'ok-user', account: 'team\u0000' }],
  ['account of 10,000 characters', { id: 'ok-user', account: long }],
  ['account not a string', { id: 'ok-user', account: 42 as never }],
  ['user id with NUL on a team account', { id: 'u\u0000', account: 'team' }],
  ['user id of 10,000 characters on a team account', { id: long, account: 'team' }],
  // The accounts of anonymous callers (`anonymous: 'ip'`) are `ip:<address>`: a signed-in caller
  // there would spend, and be limited with, whoever is anonymous at that address.
  ['id starting with ip:', { id: 'ip:203.0.113.5' }],
  ['account starting with ip:', { id: 'ok-user', account: 'ip:203.0.113.5' }],
  ['user id starting with ip: on a team account', { id: 'ip:203.0.113.5', account: 'team' }],
]

/** Hostile results of a route's `limit` function. */
const keys: Array<[string, unknown]> = [
  ['key with NUL', 'team\u0000'],
  ['key of 10,000 characters', long],
  ['key not a string', 42],
  ['empty key', ''],
]

async function expect400(res: Response, what: string) {
  const text = await res.text()
  expect(res.status, `${what}: ${text.slice(0, 300)}`).toBe(400)
  expect(res.headers.get('content-type') ?? '', what).toMatch(/^application\/problem\+json/)
  const body = JSON.parse(text)
  expect(body, what).toMatchObject({ status: 400, code: 'invalid_input' })
  // The identity's fields, and the limiter key when it is the user id: never anything else.
  expect(body.issues.length, what).toBeGreaterThan(0)
  for (const issue of body.issues) expect(['account', 'userId', 'limitKey', 'key'], what).toContain(issue.path)
}

function expectInvalid(result: ActionResult<unknown>, what: string) {
  expect(result, what).toMatchObject({ ok: false, reason: 'invalid_input' })
  const issues = (result as { issues: unknown[] }).issues
  expect(issues.length, what).toBeGreaterThan(0)
}

/** An instance whose identify answers whatever `caller.identity` is at the time. */
function hostileSetup() {
  const caller: { identity: Identity } = { identity: { id: 'ok-user' } }
  const t = setup({ rules, identify: () => caller.identity })
  return { ...t, caller }
}

/** The three wrappers around one handler, each with `limit` when given; `ran` counts handler runs. */
function wrappers(t: ReturnType<typeof hostileSetup>, limit?: () => string) {
  const counter = { ran: 0 }
  const keyed = limit ? { limit } : {}
  const POST = t.metered.withCredits({ feature: 'image', price: 1, ...keyed }, () => {
    counter.ran++
    return new Response('ok')
  })
  const GET = t.metered.withRateLimit(keyed, () => {
    counter.ran++
    return new Response('ok')
  })
  const action = t.metered.withCreditsAction(
    { feature: 'image', price: 1, ...keyed, request: () => new Request('http://localhost/') },
    () => {
      counter.ran++
    },
  )
  /** Each wrapper once; every answer must be the typed 400 / invalid_input. */
  const expectAllRefuse = async (what: string) => {
    await expect400(await POST(post({}), noParams), `withCredits, ${what}`)
    await expect400(await GET(new Request('http://localhost/api/test'), noParams), `withRateLimit, ${what}`)
    expectInvalid(await action({}), `withCreditsAction, ${what}`)
  }
  return { POST, GET, action, counter, expectAllRefuse }
}

/** Everything the wrappers could have changed: the good accounts' money, usage and limits. */
async function state(t: ReturnType<typeof setup>) {
  const out: Record<string, unknown> = {}
  for (const account of ['ok-user', 'team']) {
    out[account] = {
      balance: await t.stores.ledger.balance(account),
      history: await t.stores.ledger.history(account),
      usage: await t.stores.usage.list({ account, from: 0, to: Date.now() + 86_400_000 }),
      limit: (await t.limiter.peek(account)).remaining,
    }
  }
  return out
}

describe('a hostile identity', () => {
  it('is a 400 from withCredits, withRateLimit and withCreditsAction; nothing is held, charged or counted', async () => {
    const t = hostileSetup()
    await t.grant('ok-user', 100)
    await t.grant('team', 100)
    const w = wrappers(t)
    const before = await state(t)
    for (const [what, identity] of identities) {
      t.caller.identity = identity
      await w.expectAllRefuse(what)
    }
    await t.flush()
    expect(w.counter.ran).toBe(0)
    expect(await state(t)).toEqual(before)
    expect(t.errors).toEqual([])
  })

  it("a signed-in id of an anonymous caller's account spends nothing of it", async () => {
    const t = hostileSetup()
    const anonymousAccount = 'ip:203.0.113.5'
    await t.grant(anonymousAccount, 100)
    const before = await t.stores.ledger.balance(anonymousAccount)
    const w = wrappers(t)
    t.caller.identity = { id: anonymousAccount }
    await w.expectAllRefuse('the id of an anonymous account')
    await t.flush()
    expect(await t.stores.ledger.balance(anonymousAccount)).toEqual(before)
    expect(w.counter.ran).toBe(0)
  })

  it('an id that is not a string is nobody: 401 and unauthenticated alike', async () => {
    const t = hostileSetup()
    t.caller.identity = { id: 42 as never }
    const w = wrappers(t)
    expect((await w.POST(post({}), noParams)).status).toBe(401)
    expect((await w.GET(new Request('http://localhost/api/test'), noParams)).status).toBe(401)
    expect(await w.action({})).toEqual({ ok: false, reason: 'unauthenticated' })
    expect(w.counter.ran).toBe(0)
  })
})

describe("a hostile result of the route's limit function", () => {
  it('is a 400 from withCredits, withRateLimit and withCreditsAction; nothing is held, charged or counted', async () => {
    const t = hostileSetup()
    await t.grant('ok-user', 100)
    let key: unknown = 'ok-user'
    const w = wrappers(t, () => key as string)
    const before = await state(t)
    for (const [what, value] of keys) {
      key = value
      await w.expectAllRefuse(what)
    }
    await t.flush()
    expect(w.counter.ran).toBe(0)
    expect(await state(t)).toEqual(before)
    expect(t.errors).toEqual([])

    // The same routes with a good key still run and charge.
    key = 'ok-user'
    expect((await w.POST(post({}), noParams)).status).toBe(200)
    expect(await w.action({})).toMatchObject({ ok: true })
    await t.flush()
    expect(w.counter.ran).toBe(2)
    expect(await t.available('ok-user')).toBe(98_000)
  })
})
