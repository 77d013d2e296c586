import {
  createLimiter,
  createMemoryLimiterStore,
  type LimiterStore,
  StoreUnavailableError,
  slidingWindow,
  tokenBucket,
} from '@metered/core'
import { NextRequest } from 'next/server'
import { describe, expect, it } from 'vitest'
import { createProxy } from '../src/proxy/index.js'

function countingStore(inner: LimiterStore = createMemoryLimiterStore()) {
  const calls = { consume: 0 }
  const store: LimiterStore = {
    consume(request) {
      calls.consume++
      return inner.consume(request)
    },
    reset: (key, names) => inner.reset(key, names),
  }
  return { store, calls }
}

function setup(limit = 3, extra: Partial<Parameters<typeof createProxy>[0]> = {}) {
  const { store, calls } = countingStore()
  const limiter = createLimiter({ store, rules: { minute: slidingWindow({ limit, window: '1 m' }) }, prefix: 'proxy:' })
  const proxy = createProxy({ limiter, ...extra })
  return { proxy, calls, limiter }
}

const req = (path: string, headers: Record<string, string> = { 'x-forwarded-for': '10.0.0.1, 203.0.113.5' }) =>
  new Request(`https://app.example.com${path}`, { headers })

describe('createProxy', () => {
  it('lets requests under the limit through (undefined) and answers 429 problem+json with headers beyond it', async () => {
    const t = setup(3)
    for (let i = 0; i < 3; i++) expect(await t.proxy(req('/api/turn_response'))).toBeUndefined()
    const res = await t.proxy(req('/api/turn_response'))
    expect(res?.status).toBe(429)
    expect(res?.headers.get('content-type')).toBe('application/problem+json')
    expect(Number(res?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(res?.headers.get('ratelimit-policy')).toBe('"minute";q=3;w=60')
    expect(res?.headers.get('ratelimit')).toMatch(/^"minute";r=0;t=\d+$/)
    const body = await res?.json()
    expect(body).toMatchObject({
      type: 'urn:metered:problem:rate_limited',
      status: 429,
      code: 'rate_limited',
      retryAfterMs: expect.any(Number),
      rules: [{ name: 'minute', limit: 3, remaining: 0, reset: expect.any(Number) }],
    })
  })

  it('keys by the address the proxy in front appended (rightmost x-forwarded-for): other clients have their own budget', async () => {
    const t = setup(1)
    expect(await t.proxy(req('/api/a'))).toBeUndefined()
    expect((await t.proxy(req('/api/a')))?.status).toBe(429)
    // same appended address, whatever the client wrote before it: same client
    expect((await t.proxy(req('/api/a', { 'x-forwarded-for': '10.9.9.9, 203.0.113.5' })))?.status).toBe(429)
    expect(await t.proxy(req('/api/a', { 'x-forwarded-for': '198.51.100.2' }))).toBeUndefined()
    // x-real-ip is not something a proxy appends: not believed, so not limited by IP
    expect(await t.proxy(req('/api/a', { 'x-real-ip': '198.51.100.3' }))).toBeUndefined()
    expect(await t.proxy(req('/api/a', { 'x-real-ip': '198.51.100.3' }))).toBeUndefined()
  })

  it('only matching paths are limited, and only they touch the limiter store', async () => {
    const t = setup(1)
    for (const path of ['/', '/chat', '/apix', '/_next/static/chunk.js'])
      expect(await t.proxy(req(path))).toBeUndefined()
    expect(t.calls.consume).toBe(0)
    expect(await t.proxy(req('/api'))).toBeUndefined()
    expect((await t.proxy(req('/api/x?y=1')))?.status).toBe(429)
    expect(t.calls.consume).toBe(2)
  })

  it('matchers: prefixes, RegExp, function', async () => {
    const several = setup(1, { matcher: ['/api/generate', '/api/images/'] })
    expect(await several.proxy(req('/api/credits/balance'))).toBeUndefined()
    expect(await several.proxy(req('/api/credits/balance'))).toBeUndefined()
    expect(await several.proxy(req('/api/images/x'))).toBeUndefined()
    expect((await several.proxy(req('/api/generate')))?.status).toBe(429)
    const re = setup(1, { matcher: /^\/api\/(?!webhooks\/stripe)/ })
    await re.proxy(req('/api/webhooks/stripe'))
    expect(await re.proxy(req('/api/webhooks/stripe'))).toBeUndefined()
    const fn = setup(1, { matcher: (path, r) => path.startsWith('/api') && r.method === 'POST' })
    expect(await fn.proxy(req('/api/a'))).toBeUndefined()
    expect(await fn.proxy(req('/api/a'))).toBeUndefined()
    expect(fn.calls.consume).toBe(0)
  })

  it('without a client IP (local development) the request passes unlimited', async () => {
    const t = setup(1)
    expect(await t.proxy(req('/api/a', {}))).toBeUndefined()
    expect(await t.proxy(req('/api/a', {}))).toBeUndefined()
    expect(t.calls.consume).toBe(0)
  })

  it('a custom key and cost', async () => {
    const { store } = countingStore()
    const limiter = createLimiter({ store, rules: { burst: tokenBucket({ capacity: 10, refillEvery: '1 m' }) } })
    const proxy = createProxy({ limiter, key: (r) => r.headers.get('x-api-key'), cost: 5 })
    const withKey = (k: string) => req('/api/a', { 'x-api-key': k })
    expect(await proxy(withKey('k1'))).toBeUndefined()
    expect(await proxy(withKey('k1'))).toBeUndefined()
    expect((await proxy(withKey('k1')))?.status).toBe(429)
    expect(await proxy(withKey('k2'))).toBeUndefined()
  })

  it('limiter store down: 503 under deny, passes under allow; a throwing limiter lets it through and reports', async () => {
    const broken: LimiterStore = {
      consume: async () => Promise.reject(new StoreUnavailableError('ECONNREFUSED')),
      reset: async () => {},
    }
    const rules = { minute: slidingWindow({ limit: 10, window: '1 m' }) }
    const deny = createProxy({ limiter: createLimiter({ store: broken, rules, onStoreError: 'deny' }) })
    const res = await deny(req('/api/a'))
    expect(res?.status).toBe(503)
    expect(await res?.text()).not.toContain('ECONNREFUSED')
    const allow = createProxy({ limiter: createLimiter({ store: broken, rules, onStoreError: 'allow' }) })
    expect(await allow(req('/api/a'))).toBeUndefined()

    const errors: unknown[] = []
    const limiter = createLimiter({ store: broken, rules })
    const throwing = createProxy({
      limiter: { ...limiter, limit: async () => Promise.reject(new Error('bug')) },
      onError: (e) => errors.push(e),
    })
    expect(await throwing(req('/api/a'))).toBeUndefined()
    expect(errors).toHaveLength(1)
  })

  it('takes a NextRequest as Next passes it to proxy.ts / middleware.ts', async () => {
    const t = setup(1)
    const next = () =>
      new NextRequest('https://app.example.com/api/turn_response', { headers: { 'x-forwarded-for': '192.0.2.1' } })
    expect(await t.proxy(next())).toBeUndefined()
    expect((await t.proxy(next()))?.status).toBe(429)
  })
})
