import { fixedWindow, type LimiterStore, StoreUnavailableError, tokenBucket } from '@metered/core'
import { type AuthorizerDriver, driverOf, type LedgerDriver } from '@metered/core/adapter'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { noParams, post, setup } from './server-helpers.js'

const PROBLEM = 'application/problem+json'

async function problemOf(res: Response) {
  expect(res.headers.get('content-type')).toBe(PROBLEM)
  return (await res.json()) as Record<string, unknown>
}

describe('withCredits: refusals', () => {
  it('401 for anonymous callers by default, with nothing written', async () => {
    const t = setup()
    let ran = false
    const POST = t.metered.withCredits({ feature: 'image', price: 5 }, () => {
      ran = true
      return Response.json({})
    })
    const res = await POST(post({}), noParams)
    expect(res.status).toBe(401)
    const body = await problemOf(res)
    expect(body).toMatchObject({ type: 'urn:metered:problem:unauthenticated', status: 401 })
    expect(ran).toBe(false)
  })

  it('400 for malformed JSON, before anything is written', async () => {
    const t = setup()
    await t.grant('u1', 10)
    const POST = t.metered.withCredits({ feature: 'image', price: 5, body: 'json' }, () => Response.json({}))
    const res = await POST(post(null, { user: 'u1', raw: '{"oops":' }), noParams)
    expect(res.status).toBe(400)
    const body = await problemOf(res)
    expect(body.type).toBe('urn:metered:problem:invalid_input')
    expect(body.issues).toEqual([{ path: '', message: 'Malformed JSON' }])
    await t.flush()
    expect(await t.available('u1')).toBe(10_000)
    expect((await t.stores.ledger.history('u1')).entries).toHaveLength(1) // the grant only
    const usage = await t.stores.usage.list({ account: 'u1', from: 0, to: Date.now() + 1000 })
    expect(usage.events).toHaveLength(0)
  })

  it('400 listing zod issues; the handler gets the parsed body', async () => {
    const t = setup()
    await t.grant('u1', 10)
    const schema = z.object({ prompt: z.string().min(1), n: z.number().int().max(4) })
    const POST = t.metered.withCredits({ feature: 'image', price: 5, schema }, (_req, ctx) =>
      Response.json({ prompt: ctx.body.prompt, n: ctx.body.n }),
    )
    const bad = await POST(post({ prompt: '', n: 9 }, { user: 'u1' }), noParams)
    expect(bad.status).toBe(400)
    expect(bad.headers.get('ratelimit-policy')).toBe('"minute";q=1000;w=60')
    const body = await problemOf(bad)
    expect(body.issues).toEqual([
      { path: 'prompt', message: expect.any(String) },
      { path: 'n', message: expect.any(String) },
    ])
    const good = await POST(post({ prompt: 'cat', n: 2 }, { user: 'u1' }), noParams)
    expect(good.status).toBe(200)
    expect(await good.json()).toEqual({ prompt: 'cat', n: 2 })
    await t.flush()
    expect(await t.available('u1')).toBe(5_000)
  })

  it('413 for oversized bodies (declared and streamed), nothing written', async () => {
    const t = setup()
    await t.grant('u1', 10)
    const POST = t.metered.withCredits({ feature: 'image', price: 5, body: 'json', maxBodyBytes: 100 }, () =>
      Response.json({}),
    )
    const declared = await POST(post({ text: 'x'.repeat(200) }, { user: 'u1' }), noParams)
    expect(declared.status).toBe(413)
    expect((await problemOf(declared)).type).toBe('urn:metered:problem:payload_too_large')
    // A chunked upload without Content-Length is counted while reading.
    const chunked = new Request('http://localhost/api/test', {
      method: 'POST',
      headers: { 'x-user': 'u1' },
      body: new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode(`{"text":"${'y'.repeat(300)}"}`))
          c.close()
        },
      }),
      duplex: 'half',
    } as RequestInit)
    expect(chunked.headers.get('content-length')).toBeNull()
    const streamed = await POST(chunked, noParams)
    expect(streamed.status).toBe(413)
    await t.flush()
    expect(await t.available('u1')).toBe(10_000)
  })

  it('402 with available, required (credits) and buyUrl; Credits-Remaining with decimals', async () => {
    const t = setup()
    await t.stores.ledger.grant({ account: 'u1', amount: 200, source: 'test', idempotencyKey: 'g1' }) // 0.2 credits
    const POST = t.metered.withCredits(
      { feature: 'generate', estimate: { model: 'gpt-4.1-nano', inputTokens: 1000, outputTokens: 500 } },
      () => Response.json({}),
    )
    const res = await POST(post({}, { user: 'u1' }), noParams)
    expect(res.status).toBe(402)
    const body = await problemOf(res)
    expect(body).toMatchObject({
      type: 'urn:metered:problem:insufficient_credits',
      status: 402,
      available: 0.2,
      required: 0.39,
      buyUrl: '/buy-credits',
    })
    expect(res.headers.get('credits-remaining')).toBe('0.2')
    expect(res.headers.get('ratelimit-policy')).toBe('"minute";q=1000;w=60')
    expect(await t.available('u1')).toBe(200)
  })

  it('429 with Retry-After, RateLimit and RateLimit-Policy; the refused call holds nothing', async () => {
    const t = setup({
      rules: { minute: fixedWindow({ limit: 2, window: '1 m' }), day: fixedWindow({ limit: 100, window: '1 d' }) },
    })
    await t.grant('u1', 100)
    const POST = t.metered.withCredits({ feature: 'image', price: 5 }, () => Response.json({ ok: true }))
    const first = await POST(post({}, { user: 'u1' }), noParams)
    expect(first.status).toBe(200)
    expect(first.headers.get('ratelimit-policy')).toBe('"minute";q=2;w=60, "day";q=100;w=86400')
    expect(first.headers.get('ratelimit')).toMatch(/^"minute";r=1;t=\d+$/)
    expect(first.headers.get('credits-remaining')).toBe('95')
    expect((await POST(post({}, { user: 'u1' }), noParams)).status).toBe(200)
    const refused = await POST(post({}, { user: 'u1' }), noParams)
    expect(refused.status).toBe(429)
    const retryAfter = Number(refused.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(retryAfter).toBeLessThanOrEqual(60)
    expect(refused.headers.get('ratelimit')).toMatch(/^"minute";r=0;t=\d+$/)
    const body = await problemOf(refused)
    expect(body).toMatchObject({ type: 'urn:metered:problem:rate_limited', code: 'rate_limited', status: 429 })
    // One wait in two units: the body's milliseconds are the header's seconds before rounding up.
    expect(Math.max(1, Math.ceil((body.retryAfterMs as number) / 1000))).toBe(retryAfter)
    expect(body.rules).toEqual([
      { name: 'minute', limit: 2, remaining: 0, reset: expect.any(Number) },
      { name: 'day', limit: 100, remaining: 98, reset: expect.any(Number) },
    ])
    expect(refused.headers.get('credits-remaining')).toBe('90')
    await t.flush()
    expect(await t.available('u1')).toBe(90_000)
  })

  it("503 when the limiter store is down under 'deny'; the hold is given back", async () => {
    const broken: LimiterStore = {
      consume: async () => {
        throw new Error('ECONNREFUSED 10.0.0.7:6379 password=hunter2')
      },
      reset: async () => {},
    }
    const t = setup({ limiterStore: broken })
    await t.grant('u1', 10)
    const POST = t.metered.withCredits({ feature: 'image', price: 5 }, () => Response.json({}))
    const res = await POST(post({}, { user: 'u1' }), noParams)
    expect(res.status).toBe(503)
    const text = await res.text()
    expect(text).not.toMatch(/ECONNREFUSED|hunter2|10\.0\.0\.7/)
    expect(JSON.parse(text).type).toBe('urn:metered:problem:store_unavailable')
    expect(await t.available('u1')).toBe(10_000)
    expect((await t.stores.ledger.balance('u1')).held).toBe(0)
  })

  it('503 when the ledger throws StoreUnavailableError, without its message', async () => {
    const t = setup()
    const down = async (): Promise<never> => {
      throw new StoreUnavailableError('pg: connection to 10.1.2.3 refused')
    }
    // both paths: the one-step authorizer (limiter and ledger in one store) and the ledger alone,
    // broken in their drivers, which createMetered calls with the input it validated
    driverOf<LedgerDriver>(t.stores.ledger)!.reserve = down
    driverOf<AuthorizerDriver>(t.stores.authorizer)!.authorize = down
    const POST = t.metered.withCredits({ feature: 'image', price: 5 }, () => Response.json({}))
    const res = await POST(post({}, { user: 'u1' }), noParams)
    expect(res.status).toBe(503)
    expect(await res.text()).not.toContain('10.1.2.3')
  })

  it('500 when the handler throws: no internals leaked, the hold released, the error reported', async () => {
    const t = setup()
    await t.grant('u1', 10)
    const POST = t.metered.withCredits({ feature: 'generate', estimate: 2 }, () => {
      throw new Error('SELECT * FROM secrets WHERE id = 42\n    at handler (/app/route.ts:10:5)')
    })
    const res = await POST(post({}, { user: 'u1' }), noParams)
    expect(res.status).toBe(500)
    const text = await res.text()
    expect(text).not.toMatch(/SELECT|secrets|route\.ts|at handler/)
    expect(JSON.parse(text)).toEqual({
      type: 'urn:metered:problem:internal',
      title: 'Internal error',
      status: 500,
      detail: 'Something went wrong.',
      code: 'internal',
    })
    expect(res.headers.get('credits-remaining')).toBe('10')
    await t.flush()
    expect(await t.available('u1')).toBe(10_000)
    expect((await t.stores.ledger.balance('u1')).held).toBe(0)
    expect(t.errors).toHaveLength(1)
    const usage = await t.stores.usage.list({ account: 'u1', from: 0, to: Date.now() + 1000 })
    expect(usage.events.map((e) => [e.status, e.amount])).toEqual([['error', 0]])
  })

  it('502 when the handler throws an upstream API error', async () => {
    const t = setup()
    await t.grant('u1', 10)
    const POST = t.metered.withCredits({ feature: 'generate', estimate: 2 }, () => {
      throw Object.assign(new Error('429 You exceeded your current quota, org-abc123'), { status: 429 })
    })
    const res = await POST(post({}, { user: 'u1' }), noParams)
    expect(res.status).toBe(502)
    expect(await res.text()).not.toContain('org-abc123')
    await t.flush()
    expect(await t.available('u1')).toBe(10_000)
  })

  it('500 (not 400) when the feature has no pricer: a server bug, not the client', async () => {
    const t = setup()
    await t.grant('u1', 10)
    const POST = t.metered.withCredits({ feature: 'nope', estimate: { model: 'gpt-4.1-nano', inputTokens: 1 } }, () =>
      Response.json({}),
    )
    const res = await POST(post({}, { user: 'u1' }), noParams)
    expect(res.status).toBe(500)
    expect(await res.text()).not.toContain('nope')
  })

  it('a model the client picks is a 400 only through the schema: an unpriced model reaching the pricer is a 500', async () => {
    const t = setup()
    await t.grant('u1', 10)
    const POST = t.metered.withCredits(
      {
        feature: 'generate',
        schema: z.object({ model: z.enum(['gpt-4.1-nano', 'gpt-99']) }),
        estimate: (_req, { body }) => ({ model: body.model, inputTokens: 10, outputTokens: 10 }),
      },
      () => Response.json({}),
    )
    const outside = await POST(post({ model: 'gpt-100' }, { user: 'u1' }), noParams)
    expect(outside.status).toBe(400)
    expect((await outside.json()).issues[0].path).toBe('model')
    // the schema lets gpt-99 through but nobody priced it: the server's mistake
    const unpriced = await POST(post({ model: 'gpt-99' }, { user: 'u1' }), noParams)
    expect(unpriced.status).toBe(500)
    expect(await t.available('u1')).toBe(10_000)
  })

  it('500 when identify throws, 503 when it throws a store error', async () => {
    const t = setup({
      identify: (req) => {
        if (req.headers.get('x-mode') === 'store') throw new StoreUnavailableError('users db down at 10.9.9.9')
        throw new Error('jwt secret mismatch: s3cr3t')
      },
    })
    const POST = t.metered.withCredits({ feature: 'image', price: 1 }, () => Response.json({}))
    const a = await POST(post({}, { user: 'u1' }), noParams)
    expect(a.status).toBe(500)
    expect(await a.text()).not.toContain('s3cr3t')
    const b = await POST(post({}, { user: 'u1', headers: { 'x-mode': 'store' } }), noParams)
    expect(b.status).toBe(503)
    expect(await b.text()).not.toContain('10.9.9.9')
  })

  it('the handler returning its own 4xx releases the hold', async () => {
    const t = setup()
    await t.grant('u1', 10)
    const POST = t.metered.withCredits({ feature: 'generate', estimate: 3 }, () =>
      Response.json({ error: 'unknown tool' }, { status: 422 }),
    )
    const res = await POST(post({}, { user: 'u1' }), noParams)
    expect(res.status).toBe(422)
    expect(res.headers.get('credits-remaining')).toBe('10')
    await t.flush()
    expect(await t.available('u1')).toBe(10_000)
  })
})

describe('withCredits: charging', () => {
  it('fixed price: debited up front, Credits-Remaining after it', async () => {
    const t = setup()
    await t.grant('u1', 12)
    const POST = t.metered.withCredits({ feature: 'image', price: 5 }, (_req, ctx) => {
      expect(ctx.available).toBe(7)
      expect(ctx.account).toBe('u1')
      return Response.json({ url: 'https://img' })
    })
    const res = await POST(post({}, { user: 'u1' }), noParams)
    expect(res.status).toBe(200)
    expect(res.headers.get('credits-remaining')).toBe('7')
    await t.flush()
    expect(await t.available('u1')).toBe(7_000)
    const { entries } = await t.stores.ledger.history('u1', { types: ['debit'] })
    expect(entries.map((e) => [e.amount, e.reason])).toEqual([[-5000, 'image']])
  })

  it('estimate + ctx.charge(usage): charges the priced usage (0.39 credits = 390 units) and records the usage event', async () => {
    const t = setup()
    await t.grant('u1', 10)
    const POST = t.metered.withCredits(
      { feature: 'generate', estimate: { model: 'gpt-4.1-nano', inputTokens: 4000, outputTokens: 4096 } },
      (_req, ctx) => {
        ctx.charge({ usage: { model: 'gpt-4.1-nano', inputTokens: 1000, outputTokens: 500 } })
        return Response.json({ text: 'hi' })
      },
    )
    const res = await POST(post({}, { user: 'u1' }), noParams)
    expect(res.headers.get('credits-remaining')).toBe('9.61')
    await t.flush()
    expect(await t.available('u1')).toBe(10_000 - 390)
    const { events } = await t.stores.usage.list({ account: 'u1', from: 0, to: Date.now() + 1000 })
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({
      feature: 'generate',
      amount: 390,
      model: 'gpt-4.1-nano',
      inputTokens: 1000,
      outputTokens: 500,
      status: 'ok',
    })
    expect(events[0]!.latencyMs).toBeGreaterThanOrEqual(0)
  })

  it('a charge after the settle is reported, not silently lost', async () => {
    const t = setup()
    await t.grant('u1', 10)
    let late: (() => void) | undefined
    const POST = t.metered.withCredits({ feature: 'generate', estimate: 2 }, (_req, ctx) => {
      ctx.charge(1)
      late = () => ctx.charge(5)
      return Response.json({})
    })
    await POST(post({}, { user: 'u1' }), noParams)
    await t.flush()
    late?.()
    expect(await t.available('u1')).toBe(9_000)
    expect(String(t.errors[0])).toMatch(/ctx.charge after the call was settled/)
  })

  it('charges in credits add up; decimals kept', async () => {
    const t = setup()
    await t.grant('u1', 10)
    const POST = t.metered.withCredits({ feature: 'generate', estimate: 5 }, (_req, ctx) => {
      ctx.charge(0.125)
      ctx.charge({ credits: 1 })
      return Response.json({})
    })
    const res = await POST(post({}, { user: 'u1' }), noParams)
    expect(res.headers.get('credits-remaining')).toBe('8.875')
    await t.flush()
    expect(await t.available('u1')).toBe(8_875)
  })

  it('a handler that never charges in estimate mode settles at the estimate', async () => {
    const t = setup()
    await t.grant('u1', 10)
    const POST = t.metered.withCredits(
      { feature: 'generate', estimate: 2.5 },
      () => new Response(null, { status: 204 }),
    )
    const res = await POST(post({}, { user: 'u1' }), noParams)
    expect(res.status).toBe(204)
    expect(res.headers.get('credits-remaining')).toBe('7.5')
    await t.flush()
    expect(await t.available('u1')).toBe(7_500)
  })

  it("anonymous: 'ip' meters the caller under ip:<address>; limit 'ip' keys the limiter by IP", async () => {
    const t = setup({ rules: { minute: tokenBucket({ capacity: 1, refillEvery: '1 h' }) } })
    await t.grant('ip:203.0.113.9', 3)
    const POST = t.metered.withCredits({ feature: 'image', price: 1, anonymous: 'ip', limit: 'ip' }, (_req, ctx) =>
      Response.json({ account: ctx.account, anonymous: ctx.anonymous }),
    )
    // the client's own entry first, then what the proxy in front appended
    const req = () => post({}, { headers: { 'x-forwarded-for': '10.0.0.1, 203.0.113.9' } })
    const res = await POST(req(), noParams)
    expect(await res.json()).toEqual({ account: 'ip:203.0.113.9', anonymous: true })
    expect((await POST(req(), noParams)).status).toBe(429)
    await t.flush()
    expect(await t.available('ip:203.0.113.9')).toBe(2_000)
  })

  it('spendCaps: a limiter rule whose cost is the units held caps spend per window', async () => {
    const t = setup({
      rules: { minute: fixedWindow({ limit: 100, window: '1 m' }), spend: fixedWindow({ limit: 2500, window: '1 d' }) },
    })
    await t.grant('u1', 100)
    const POST = t.metered.withCredits({ feature: 'image', price: 1, spendCaps: ['spend'] }, () => Response.json({}))
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) statuses.push((await POST(post({}, { user: 'u1' }), noParams)).status)
    expect(statuses).toEqual([200, 200, 429])
    await t.flush()
    expect(await t.available('u1')).toBe(98_000)
  })

  it('route params are resolved and passed through', async () => {
    const t = setup()
    await t.grant('u1', 10)
    const GET = t.metered.withCredits<{ id: string }>({ feature: 'image', price: 1 }, (_req, ctx) =>
      Response.json({ id: ctx.params.id }),
    )
    const res = await GET(post({}, { user: 'u1' }), { params: Promise.resolve({ id: 'abc' }) })
    expect(await res.json()).toEqual({ id: 'abc' })
  })

  it('200 concurrent requests against a small balance: exactly the affordable ones pass, never overdrawn', async () => {
    const t = setup()
    await t.grant('u1', 37)
    const POST = t.metered.withCredits({ feature: 'generate', estimate: 1 }, async (_req, ctx) => {
      await new Promise((r) => setTimeout(r, Math.random() * 5))
      ctx.charge(1)
      return Response.json({})
    })
    const results = await Promise.all(Array.from({ length: 200 }, () => POST(post({}, { user: 'u1' }), noParams)))
    const counts = { ok: 0, refused: 0 }
    for (const r of results) {
      if (r.status === 200) counts.ok++
      else if (r.status === 402) counts.refused++
    }
    expect(counts).toEqual({ ok: 37, refused: 163 })
    await t.flush()
    expect(await t.available('u1')).toBe(0)
    expect((await t.stores.ledger.verify('u1')).ok).toBe(true)
  })
})
