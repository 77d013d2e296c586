import { fixedWindow } from '@metered/core'
import { badAmounts, badCounts, badIdLengths, badStrings } from '@metered/core/testing'
import { describe, expect, it } from 'vitest'
import { estimateResponses } from '../src/ai/estimate.js'
import { noParams, post, setup } from './server-helpers.js'

// The adversarial input table (@metered/core/testing) through what withCredits and withRateLimit
// take from a request: a body an estimate function reads, a limiter key derived from the URL.
// Each hostile value is a 400 problem+json, and no credit, hold, usage event or limiter unit moves.

/** What the wrappers could have changed for `account` and limiter `key`. */
async function state(t: ReturnType<typeof setup>, account: string, key: string) {
  return {
    balance: await t.stores.ledger.balance(account),
    history: await t.stores.ledger.history(account),
    usage: await t.stores.usage.list({ account, from: 0, to: Date.now() + 86_400_000 }),
    limit: (await t.limiter.peek(key)).remaining,
  }
}

async function expect400(res: Response, what: string) {
  const text = await res.text()
  expect(res.status, `${what}: ${text.slice(0, 300)}`).toBe(400)
  expect(res.headers.get('content-type') ?? '', what).toMatch(/^application\/problem\+json/)
  expect(JSON.parse(text), what).toMatchObject({ status: 400 })
}

/** Values JSON carries as themselves: not bigint, and not NaN or ±Infinity (which JSON writes as null). */
function jsonKeeps(h: { value: unknown }): boolean {
  return typeof h.value !== 'bigint' && h.value !== null && (typeof h.value !== 'number' || Number.isFinite(h.value))
}

/** JSON with -0 kept (JSON.stringify writes 0). */
function rawJson(body: Record<string, unknown>): string {
  return JSON.stringify(body, (_k, v) => (Object.is(v, -0) ? '__MINUS_ZERO__' : v)).replace('"__MINUS_ZERO__"', '-0')
}

describe('withCredits: an estimate read from the body', () => {
  it('hostile max_output_tokens are a 400; nothing is held, charged or recorded', async () => {
    const t = setup()
    await t.grant('alice', 100)
    const POST = t.metered.withCredits(
      { feature: 'generate', estimate: (_req, { body }) => estimateResponses(body as never) },
      () => new Response('ok'),
    )
    const before = await state(t, 'alice', 'alice')
    // null (and NaN, Infinity, which JSON writes as null) means "no limit given": the default applies.
    const tokens = badCounts.filter(jsonKeeps)
    for (const h of tokens) {
      const res = await POST(
        post(null, { user: 'alice', raw: rawJson({ model: 'gpt-4.1-nano', max_output_tokens: h.value }) }),
        noParams,
      )
      await expect400(res, `max_output_tokens = ${h.name}`)
    }
    await t.flush()
    expect(await state(t, 'alice', 'alice')).toEqual(before)
    expect(t.errors).toEqual([])
  })

  it('hostile credits from the body are a 400; a static bad estimate stays a server error', async () => {
    const t = setup()
    await t.grant('alice', 100)
    const POST = t.metered.withCredits(
      { feature: 'generate', estimate: (_req, { body }) => (body as { credits: number }).credits },
      () => new Response('ok'),
    )
    const before = await state(t, 'alice', 'alice')
    // A credit amount may be 0 or a decimal; the rest of the table is refused.
    const credits = badAmounts.filter((h) => jsonKeeps(h) && !['0', '-0', '1.5'].includes(h.name))
    for (const h of credits) {
      await expect400(
        await POST(post(null, { user: 'alice', raw: rawJson({ credits: h.value }) }), noParams),
        `credits = ${h.name}`,
      )
    }
    // JSON's null (what NaN and Infinity become) is the client's bad amount too, not a server error
    await expect400(await POST(post({ credits: null }, { user: 'alice' }), noParams), 'credits = null')
    await t.flush()
    expect(await state(t, 'alice', 'alice')).toEqual(before)

    // The same value written into the route itself is the app's mistake, not the client's.
    const misconfigured = t.metered.withCredits(
      { feature: 'generate', estimate: '1' as never },
      () => new Response('ok'),
    )
    expect((await misconfigured(post({}, { user: 'alice' }), noParams)).status).toBe(500)
  })
})

describe('withRateLimit: a limiter key read from the request', () => {
  const rules = { minute: fixedWindow({ limit: 100, window: '1 m' }) }

  it('a hostile key is a 400 and consumes nothing', async () => {
    const t = setup({ rules })
    const GET = t.metered.withRateLimit(
      { limit: (req) => new URL(req.url).searchParams.get('team') ?? '' },
      () => new Response('ok'),
    )
    const get = (team: string) =>
      new Request(`http://localhost/api/test?team=${encodeURIComponent(team)}`, { headers: { 'x-user': 'alice' } })
    expect((await GET(get('team-1'), noParams)).status).toBe(200)
    const before = await state(t, 'alice', 'team-1')
    // What a URL can carry: NUL (as %00), empty, too long; a lone surrogate cannot be percent-encoded.
    const keys = [...badStrings('team-1'), ...badIdLengths('team-1')].filter(
      (h) => !/[\uD800-\uDFFF]/.test(h.value) && h.value.length < 10_000,
    )
    for (const h of keys) await expect400(await GET(get(h.value), noParams), `key = ${h.name}`)
    expect(await state(t, 'alice', 'team-1')).toEqual(before)
    expect(before.limit).toBe(99)
    expect(t.errors).toEqual([])
  })

  it('edge keys work and count apart', async () => {
    const t = setup({ rules })
    const GET = t.metered.withRateLimit(
      { limit: (req) => new URL(req.url).searchParams.get('team') ?? '' },
      () => new Response('ok'),
    )
    const teams = ['__proto__', 'constructor', 'acct|5', 'acct', 'team-😀', 'team-😁']
    for (const [i, team] of teams.entries()) {
      for (let n = 0; n <= i; n++) {
        const req = new Request(`http://localhost/api/test?team=${encodeURIComponent(team)}`, {
          headers: { 'x-user': 'alice' },
        })
        expect((await GET(req, noParams)).status, team).toBe(200)
      }
    }
    for (const [i, team] of teams.entries()) expect((await t.limiter.peek(team)).remaining, team).toBe(100 - (i + 1))
  })
})
