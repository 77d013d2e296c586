import {
  createLimiter,
  createMemoryStores,
  createMetered,
  fixed,
  type Ledger,
  type LimiterStore,
  StoreUnavailableError,
  slidingWindow,
} from '@metered/core'
import { PROBLEM_CODES, PROBLEM_MEDIA_TYPE, PROBLEMS, type ProblemCode } from '@metered/core/http'
import { createDevStripe, createStripeCredits } from '@metered/stripe'
import { describe, expect, it } from 'vitest'
import { createMeteredNext } from '../src/index.js'

/**
 * Every code of the HTTP contract (@metered/core/http) comes out of a real route, wrapper or
 * Stripe handler with its status, the problem media type, `code`, and a `type` under the base the
 * app configured: so no code is dead, none is answered with another status, and the option reaches
 * every place that builds a problem.
 */
const TYPE_BASE = 'https://example.test/problems/'
const noParams = { params: Promise.resolve({}) }

/** A catch-all route call as Next makes it: the request and the segments below the mount point. */
function call(
  handler: (req: Request, ctx: { params: Promise<Record<string, string[]>> }) => Promise<Response>,
  req: Request,
) {
  const route = new URL(req.url).pathname.split('/').slice(3)
  return handler(req, { params: Promise.resolve({ route }) })
}

function nextApp(options: { limiterStore?: LimiterStore; limit?: number } = {}) {
  const stores = createMemoryStores()
  const limiter = createLimiter({
    store: options.limiterStore ?? stores.limiterStore,
    rules: { minute: slidingWindow({ limit: options.limit ?? 1000, window: '1 m' }) },
    onStoreError: 'deny',
  })
  const metered = createMeteredNext({
    ...stores,
    limiter,
    unitsPerCredit: 1000,
    pricing: { image: fixed(5) },
    identify: (req) => {
      const id = req.headers.get('x-user')
      return id ? { id } : null
    },
    buyUrl: '/buy',
    problemTypeBase: TYPE_BASE,
    after: () => {},
    onError: () => {},
  })
  return { stores, metered }
}

const request = (path: string, init: { method?: string; user?: string; body?: string; headers?: HeadersInit } = {}) => {
  const headers = new Headers(init.headers)
  if (init.user) headers.set('x-user', init.user)
  if (init.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json')
  return new Request(`http://localhost${path}`, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body !== undefined ? { body: init.body } : {}),
  })
}

const downLimiterStore: LimiterStore = {
  consume: () => Promise.reject(new StoreUnavailableError('limiter store down')),
  reset: () => Promise.reject(new StoreUnavailableError('limiter store down')),
}

/** How each code is produced. Several ways per code would be fine; one is enough to prove it lives. */
const producers: Record<ProblemCode, () => Promise<Response>> = {
  async invalid_input() {
    const { metered } = nextApp()
    return call(metered.creditRoutes().GET, request('/api/credits/history?limit=abc', { user: 'u' }))
  },
  async unauthenticated() {
    const { metered } = nextApp()
    return call(metered.creditRoutes().GET, request('/api/credits/balance'))
  },
  async insufficient_credits() {
    const { metered } = nextApp()
    const POST = metered.withCredits({ feature: 'image', price: 5 }, () => Response.json({}))
    return POST(request('/api/image', { method: 'POST', user: 'poor' }), noParams)
  },
  async forbidden() {
    const { metered } = nextApp()
    const body = JSON.stringify({ account: 'u', credits: 1, reason: 'gift' })
    return call(metered.creditRoutes().POST, request('/api/credits/grant', { method: 'POST', user: 'u', body }))
  },
  async not_found() {
    const { metered } = nextApp()
    return call(metered.creditRoutes().GET, request('/api/credits/nothing-here', { user: 'u' }))
  },
  async method_not_allowed() {
    const { metered } = nextApp()
    return call(metered.creditRoutes().POST, request('/api/credits/balance', { method: 'POST', user: 'u' }))
  },
  async payload_too_large() {
    const { metered } = nextApp()
    const POST = metered.withCredits({ feature: 'image', price: 5, body: 'json', maxBodyBytes: 16 }, () =>
      Response.json({}),
    )
    return POST(
      request('/api/image', { method: 'POST', user: 'u', body: JSON.stringify({ a: 'x'.repeat(64) }) }),
      noParams,
    )
  },
  async rate_limited() {
    const { metered } = nextApp({ limit: 1 })
    const GET = metered.withRateLimit({}, () => Response.json({}))
    await GET(request('/api/x', { user: 'u' }), noParams)
    return GET(request('/api/x', { user: 'u' }), noParams)
  },
  async internal() {
    const { stores, metered } = nextApp()
    await stores.ledger.grant({ account: 'u', amount: 10_000, source: 'test', idempotencyKey: 'g' })
    const POST = metered.withCredits({ feature: 'image', price: 5 }, () => {
      throw new Error('handler bug')
    })
    return POST(request('/api/image', { method: 'POST', user: 'u' }), noParams)
  },
  async bad_gateway() {
    const { stores, metered } = nextApp()
    await stores.ledger.grant({ account: 'u', amount: 10_000, source: 'test', idempotencyKey: 'g' })
    const POST = metered.withCredits({ feature: 'image', price: 5 }, () => {
      throw Object.assign(new Error('upstream said 500'), { status: 500 })
    })
    return POST(request('/api/image', { method: 'POST', user: 'u' }), noParams)
  },
  async store_unavailable() {
    const { metered } = nextApp({ limiterStore: downLimiterStore })
    const GET = metered.withRateLimit({}, () => Response.json({}))
    return GET(request('/api/x', { user: 'u' }), noParams)
  },
  async missing_signature() {
    const { credits } = stripeApp()
    return credits.webhook(request('/api/webhooks/stripe', { method: 'POST', body: '{}' }))
  },
  async invalid_signature() {
    const { credits, dev } = stripeApp()
    const { sessionId } = await credits.checkout({ account: 'u', packId: 'pack-1' })
    const paid = await dev.pay(sessionId)
    const tampered = (await paid.text()).replace('"pack-1"', '"pack-9"')
    return credits.webhook(new Request(paid.url, { method: 'POST', headers: paid.headers, body: tampered }))
  },
  async webhook_failed() {
    const { credits, dev } = stripeApp({ ledgerDown: true })
    const { sessionId } = await credits.checkout({ account: 'u', packId: 'pack-1' })
    return credits.webhook(await dev.pay(sessionId))
  },
}

function stripeApp(options: { ledgerDown?: boolean } = {}) {
  const { ledger } = createMemoryStores()
  const down = (): never => {
    throw new StoreUnavailableError('ledger down')
  }
  const usedLedger: Ledger = options.ledgerDown ? { ...ledger, grant: down, history: down } : ledger
  const dev = createDevStripe({ checkoutUrl: (id) => `http://localhost/checkout/dev?session_id=${id}` })
  const credits = createStripeCredits({
    stripe: dev.client,
    metered: createMetered({ ledger: usedLedger }),
    packs: [{ id: 'pack-1', credits: 100, unitAmount: 100, currency: 'usd' }],
    webhookSecret: dev.webhookSecret,
    successUrl: 'http://localhost/checkout/success?session_id={CHECKOUT_SESSION_ID}',
    cancelUrl: 'http://localhost/checkout/cancel',
    problemTypeBase: TYPE_BASE,
    onEvent: () => {},
    onError: () => {},
  })
  return { credits, dev }
}

describe('the HTTP contract', () => {
  it('has a producer for every code and no producer for a code it lacks', () => {
    expect(Object.keys(producers).sort()).toEqual([...PROBLEM_CODES].sort())
  })

  for (const code of PROBLEM_CODES) {
    it(`${code}: ${PROBLEMS[code].status} problem+json with its code, under the configured type base`, async () => {
      const res = await producers[code]()
      expect(res.status).toBe(PROBLEMS[code].status)
      expect(res.headers.get('content-type')).toBe(PROBLEM_MEDIA_TYPE)
      expect(res.headers.get('cache-control')).toBe('no-store')
      expect(await res.json()).toMatchObject({
        type: `${TYPE_BASE}${code}`,
        code,
        status: PROBLEMS[code].status,
        title: PROBLEMS[code].title,
        detail: expect.any(String),
      })
    })
  }

  it('a 405 from the Stripe webhook carries the base too, with Allow', async () => {
    const { credits } = stripeApp()
    const res = await credits.webhook(request('/api/webhooks/stripe'))
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('POST')
    expect(await res.json()).toMatchObject({ type: `${TYPE_BASE}method_not_allowed`, allow: ['POST'] })
  })

  it('the default type base is a URN that claims no domain', async () => {
    const stores = createMemoryStores()
    const metered = createMeteredNext({ ...stores, identify: () => null, after: () => {} })
    const res = await call(metered.creditRoutes().GET, request('/api/credits/balance'))
    expect(await res.json()).toMatchObject({ type: 'urn:metered:problem:unauthenticated', code: 'unauthenticated' })
  })
})
