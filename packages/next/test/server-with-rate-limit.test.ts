import { fixedWindow, type LimiterStore, tokenBucket } from '@metered/core'
import { describe, expect, it } from 'vitest'
import { noParams, post, setup } from './server-helpers.js'

describe('withRateLimit', () => {
  it('passes with RateLimit headers and Credits-Remaining, then 429 with Retry-After; no credits move', async () => {
    const t = setup({ rules: { minute: fixedWindow({ limit: 2, window: '1 m' }) } })
    await t.grant('u1', 1.5)
    const GET = t.metered.withRateLimit({}, (_req, ctx) =>
      Response.json({ user: ctx.user.id, remaining: ctx.limit?.remaining }),
    )
    const a = await GET(post({}, { user: 'u1' }), noParams)
    expect(a.status).toBe(200)
    expect(await a.json()).toEqual({ user: 'u1', remaining: 1 })
    expect(a.headers.get('ratelimit-policy')).toBe('"minute";q=2;w=60')
    expect(a.headers.get('ratelimit')).toMatch(/^"minute";r=1;t=\d+$/)
    expect(a.headers.get('credits-remaining')).toBe('1.5')
    await GET(post({}, { user: 'u1' }), noParams)
    const refused = await GET(post({}, { user: 'u1' }), noParams)
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(refused.headers.get('content-type')).toBe('application/problem+json')
    expect(await refused.json()).toMatchObject({ status: 429, code: 'rate_limited', retryAfterMs: expect.any(Number) })
    expect(await t.available('u1')).toBe(1500)
  })

  it("returns the handler's own response with the headers added; one with immutable headers is copied", async () => {
    const t = setup({ rules: { minute: fixedWindow({ limit: 5, window: '1 m' }) } })
    const own = new Response('body', { status: 201, headers: { 'x-own': '1' } })
    const mutable = t.metered.withRateLimit({}, () => own)
    const a = await mutable(post({}, { user: 'u1' }), noParams)
    expect(a).toBe(own)
    expect(a.headers.get('ratelimit')).toMatch(/^"minute";r=4;/)
    // Response.redirect has immutable headers, as a response passed through from fetch does.
    const passed = t.metered.withRateLimit({}, () => Response.redirect('http://localhost/next', 303))
    const b = await passed(post({}, { user: 'u1' }), noParams)
    expect(b.status).toBe(303)
    expect(b.headers.get('location')).toBe('http://localhost/next')
    expect(b.headers.get('ratelimit')).toMatch(/^"minute";r=3;/)
  })

  it('401 for anonymous callers unless anonymous: ip; then keyed by IP', async () => {
    const t = setup({ rules: { minute: tokenBucket({ capacity: 1, refillEvery: '1 h' }) } })
    const strict = t.metered.withRateLimit({}, () => Response.json({}))
    expect((await strict(post({}), noParams)).status).toBe(401)
    const open = t.metered.withRateLimit({ anonymous: 'ip', limit: 'ip' }, (_req, ctx) =>
      Response.json({ id: ctx.user.id, anonymous: ctx.anonymous }),
    )
    const req = (ip: string) => post({}, { headers: { 'x-forwarded-for': ip } })
    const first = await open(req('198.51.100.1'), noParams)
    expect(await first.json()).toEqual({ id: 'ip:198.51.100.1', anonymous: true })
    expect(first.headers.get('credits-remaining')).toBeNull() // anonymous: no balance read by default
    expect((await open(req('198.51.100.1'), noParams)).status).toBe(429)
    expect((await open(req('198.51.100.2'), noParams)).status).toBe(200)
  })

  it("503 when the limiter store fails under 'deny', without internals", async () => {
    const broken: LimiterStore = {
      consume: async () => {
        throw new Error('redis://:pa55@10.0.0.3 timeout')
      },
      reset: async () => {},
    }
    const t = setup({ limiterStore: broken })
    const GET = t.metered.withRateLimit({}, () => Response.json({}))
    const res = await GET(post({}, { user: 'u1' }), noParams)
    expect(res.status).toBe(503)
    expect(await res.text()).not.toContain('pa55')
  })

  it('a handler error is a 500 problem with the headers still set', async () => {
    const t = setup()
    const GET = t.metered.withRateLimit({}, () => {
      throw new Error('boom /srv/app.ts')
    })
    const res = await GET(post({}, { user: 'u1' }), noParams)
    expect(res.status).toBe(500)
    expect(res.headers.get('ratelimit-policy')).toBe('"minute";q=1000;w=60')
    expect(await res.text()).not.toContain('/srv/app.ts')
  })
})
