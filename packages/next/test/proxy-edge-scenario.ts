// Bundled by proxy-edge.test.ts and run inside edge-runtime: Next 15 middleware and Edge route
// handlers get Web APIs only, no Node built-ins.
import { createLimiter, createMemoryStores, createMetered, slidingWindow } from '@metered/core'
import { meteredAuth } from '../src/auth/index.js'
import { createProxy } from '../src/proxy/index.js'
import { createCreditRoutes } from '../src/routes/index.js'

async function scenario() {
  const stores = createMemoryStores()
  const limiter = createLimiter({
    store: stores.limiterStore,
    rules: { minute: slidingWindow({ limit: 2, window: '1 m' }) },
  })
  const proxy = createProxy({ limiter })
  const req = () => new Request('https://app.example.com/api/x', { headers: { 'x-forwarded-for': '192.0.2.9' } })
  const proxied = [await proxy(req()), await proxy(req()), await proxy(req())].map((r) => r?.status ?? null)

  const metered = createMetered({ ...stores, unitsPerCredit: 1000 })
  const auth = meteredAuth({ metered, signupCredits: 5, admins: 'root@example.com' })
  await auth.events.signIn({ user: { id: 'root', email: 'root@example.com' }, account: { provider: 'google' } })
  await auth.events.signIn({ user: { id: 'alice', email: 'alice@example.com' }, account: { provider: 'google' } })

  const routes = createCreditRoutes({ metered, identify: (r) => ({ id: r.headers.get('x-user') ?? '' }) })
  const call = (method: 'GET' | 'POST', route: string, user: string, body?: unknown) =>
    routes[method](
      new Request(`https://app.example.com/api/credits/${route}`, {
        method,
        headers: { 'x-user': user, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      }),
      { params: Promise.resolve({ route: [route] }) },
    )
  const grant = await call('POST', 'grant', 'root', { account: 'alice', credits: 1.5, reason: 'edge' })
  const refused = await call('POST', 'grant', 'alice', { account: 'alice', credits: 1, reason: 'x' })
  const balance = await (await call('GET', 'balance', 'alice')).json()
  return {
    isEdge: typeof (globalThis as { EdgeRuntime?: unknown }).EdgeRuntime === 'string',
    proxied,
    grant: grant.status,
    refused: refused.status,
    available: balance.available,
    logins: (await stores.users.logins('alice')).logins.length,
  }
}

;(globalThis as { __proxyScenario?: typeof scenario }).__proxyScenario = scenario
