import { createLimiter, createMemoryStores, tokenBucket } from '@metered/core'
import { afterEach, describe, expect, it } from 'vitest'
import { clientIpFor, createProxy, defaultClientIp } from '../src/index.js'
import { noParams, post, setup } from './server-helpers.js'

/**
 * The client IP behind proxies that append to `x-forwarded-for`: only what the trusted proxies
 * wrote counts, so a client cannot pick its own rate-limit bucket (or anonymous account) by
 * sending the header itself. The default trusts one proxy (the rightmost entry); on Vercel
 * (env VERCEL) the platform's `x-real-ip`; `trustProxy: false` trusts no header at all.
 */
const withHeaders = (headers: Record<string, string>) => new Request('https://app.example.com/api/x', { headers })

afterEach(() => {
  delete process.env.VERCEL
})

describe('clientIpFor / defaultClientIp', () => {
  it('default: the address the nearest proxy appended (rightmost), whatever the client put before it', () => {
    expect(defaultClientIp(withHeaders({ 'x-forwarded-for': '6.6.6.6, 203.0.113.9' }))).toBe('203.0.113.9')
    expect(defaultClientIp(withHeaders({ 'x-forwarded-for': '1.1.1.1,2.2.2.2 , 203.0.113.9' }))).toBe('203.0.113.9')
    expect(defaultClientIp(withHeaders({ 'x-forwarded-for': '2001:db8::1' }))).toBe('2001:db8::1')
  })

  it('default: headers a proxy would not append (x-real-ip, cf-connecting-ip) are not trusted', () => {
    expect(defaultClientIp(withHeaders({ 'x-real-ip': '6.6.6.6' }))).toBeNull()
    expect(defaultClientIp(withHeaders({ 'cf-connecting-ip': '6.6.6.6' }))).toBeNull()
    expect(defaultClientIp(withHeaders({ 'x-real-ip': '6.6.6.6', 'x-forwarded-for': '203.0.113.9' }))).toBe(
      '203.0.113.9',
    )
  })

  it('trustProxy: N takes the Nth entry from the right; a shorter chain than declared gives no address', () => {
    const two = clientIpFor({ trustProxy: 2 })
    expect(two(withHeaders({ 'x-forwarded-for': '6.6.6.6, 203.0.113.9, 10.0.0.2' }))).toBe('203.0.113.9')
    expect(two(withHeaders({ 'x-forwarded-for': '203.0.113.9' }))).toBeNull()
  })

  it('trustProxy: false reads no header at all', () => {
    const none = clientIpFor({ trustProxy: false })
    expect(none(withHeaders({ 'x-forwarded-for': '203.0.113.9', 'x-real-ip': '203.0.113.9' }))).toBeNull()
  })

  it('on Vercel (env VERCEL), the platform-set x-real-ip', () => {
    process.env.VERCEL = '1'
    expect(defaultClientIp(withHeaders({ 'x-real-ip': '203.0.113.9', 'x-forwarded-for': '203.0.113.9' }))).toBe(
      '203.0.113.9',
    )
  })

  it('garbage where an address should be gives no address, not a bucket named by the client', () => {
    expect(defaultClientIp(withHeaders({ 'x-forwarded-for': `1.1.1.1, ${'a'.repeat(500)}` }))).toBeNull()
    expect(defaultClientIp(withHeaders({ 'x-forwarded-for': '1.1.1.1, ip:evil' }))).toBeNull()
    expect(defaultClientIp(withHeaders({ 'x-forwarded-for': '1.1.1.1, ' }))).toBeNull()
  })
})

describe('forged x-forwarded-for against the wrappers', () => {
  it("withCredits anonymous: 'ip', limit 'ip': forged first hops share the real client's bucket and account", async () => {
    const t = setup({ rules: { minute: tokenBucket({ capacity: 1, refillEvery: '1 h' }) } })
    await t.grant('ip:203.0.113.9', 3)
    const POST = t.metered.withCredits({ feature: 'image', price: 1, anonymous: 'ip', limit: 'ip' }, (_req, ctx) =>
      Response.json({ account: ctx.account }),
    )
    const first = await POST(post({}, { headers: { 'x-forwarded-for': '203.0.113.9' } }), noParams)
    expect(await first.json()).toEqual({ account: 'ip:203.0.113.9' })
    for (const forged of ['6.6.6.6', '7.7.7.7, 8.8.8.8']) {
      const res = await POST(post({}, { headers: { 'x-forwarded-for': `${forged}, 203.0.113.9` } }), noParams)
      expect(res.status).toBe(429)
    }
    await t.flush()
    expect(await t.available('ip:203.0.113.9')).toBe(2_000)
  })

  it("withRateLimit with trustProxy: false: anonymous callers have no address (401); signed-in 'ip' limits fall back to the user", async () => {
    const stores = createMemoryStores()
    const { createMeteredNext } = await import('../src/index.js')
    const metered = createMeteredNext({
      ...stores,
      limiter: createLimiter({
        store: stores.limiterStore,
        rules: { minute: tokenBucket({ capacity: 1, refillEvery: '1 h' }) },
      }),
      unitsPerCredit: 1000,
      pricing: {},
      trustProxy: false,
      identify: (req) => (req.headers.get('x-user') ? { id: req.headers.get('x-user') as string } : null),
    })
    const anon = metered.withRateLimit({ anonymous: 'ip', limit: 'ip' }, () => new Response('ok'))
    expect((await anon(post({}, { headers: { 'x-forwarded-for': '203.0.113.9' } }), noParams)).status).toBe(401)
    const signedIn = metered.withRateLimit({ limit: 'ip' }, () => new Response('ok'))
    const a = await signedIn(post({}, { user: 'u1', headers: { 'x-forwarded-for': '1.1.1.1' } }), noParams)
    const b = await signedIn(post({}, { user: 'u1', headers: { 'x-forwarded-for': '2.2.2.2' } }), noParams)
    expect([a.status, b.status]).toEqual([200, 429])
  })

  it('createProxy: forged first hops do not escape the limit; trustProxy: 2 keys by the second from the right', async () => {
    const stores = createMemoryStores()
    const limiter = createLimiter({
      store: stores.limiterStore,
      rules: { minute: tokenBucket({ capacity: 1, refillEvery: '1 h' }) },
      prefix: 'proxy:',
    })
    const proxy = createProxy({ limiter })
    expect(await proxy(withHeaders({ 'x-forwarded-for': '203.0.113.9' }))).toBeUndefined()
    expect((await proxy(withHeaders({ 'x-forwarded-for': '6.6.6.6, 203.0.113.9' })))?.status).toBe(429)
    expect((await proxy(withHeaders({ 'x-forwarded-for': '7.7.7.7, 203.0.113.9' })))?.status).toBe(429)
    expect(await proxy(withHeaders({ 'x-forwarded-for': '198.51.100.2' }))).toBeUndefined()

    const two = createProxy({ limiter, trustProxy: 2 })
    expect(await two(withHeaders({ 'x-forwarded-for': '6.6.6.6, 192.0.2.7, 10.0.0.2' }))).toBeUndefined()
    expect((await two(withHeaders({ 'x-forwarded-for': '7.7.7.7, 192.0.2.7, 10.0.0.3' })))?.status).toBe(429)
  })
})
