import { createLimiter, createMemoryStores, createMetered, fixedWindow } from '@metered/core'
import { describe, expect, it, vi } from 'vitest'
import { createMeteredNext, DEV_IDENTITY_HEADER, devIdentity } from '../src/index.js'

/**
 * The development identity behind a real `withCredits` route: in development it signs in whoever
 * the header names (and grants the signup credits once); in production it signs in nobody.
 */
function app(env: Record<string, string | undefined>) {
  const stores = createMemoryStores()
  const metering = createMetered({
    ...stores,
    limiter: createLimiter({
      store: stores.limiterStore,
      rules: { minute: fixedWindow({ limit: 100, window: '1 m' }) },
    }),
    unitsPerCredit: 1000,
  })
  const errors: unknown[] = []
  const metered = createMeteredNext({
    metered: metering,
    identify: devIdentity({ metered: metering, signupCredits: 10, env, onError: (e) => errors.push(e) }),
    onError: () => {},
  })
  const route = metered.withCredits({ feature: 'image', price: 4 }, () => new Response('ok'))
  const call = (user: string | null) =>
    route(
      new Request('http://localhost/api/image', {
        method: 'POST',
        headers: user === null ? {} : { [DEV_IDENTITY_HEADER]: user },
      }),
      { params: Promise.resolve({}) },
    )
  return { call, errors, stores }
}

describe('devIdentity', () => {
  it('in development with METERED_DEV_IDENTITY=1: the header signs in, signup credits are granted once', async () => {
    const { call, errors, stores } = app({ METERED_DEV_IDENTITY: '1', NODE_ENV: 'development' })
    expect((await call('ann')).status).toBe(200)
    expect((await call('ann')).status).toBe(200)
    // 10 credits granted once (not at every request), 2 x 4 charged
    expect((await stores.ledger.balance('ann')).available).toBe(2000)
    expect((await call(null)).status).toBe(401)
    expect(errors).toEqual([])
  })

  it('without METERED_DEV_IDENTITY=1 nobody is signed in', async () => {
    const { call, stores } = app({ NODE_ENV: 'development' })
    expect((await call('ann')).status).toBe(401)
    expect((await stores.ledger.balance('ann')).available).toBe(0)
  })

  it('in production it is ignored (401, nothing granted) and onError hears about it once', async () => {
    const { call, errors, stores } = app({ METERED_DEV_IDENTITY: '1', NODE_ENV: 'production' })
    for (let i = 0; i < 3; i++) expect((await call('ann')).status).toBe(401)
    expect((await stores.ledger.balance('ann')).available).toBe(0)
    expect(errors).toHaveLength(1)
    expect(String(errors[0])).toContain('METERED_DEV_IDENTITY=1 is ignored in production')
  })

  it('reads process.env at each call by default', async () => {
    const stores = createMemoryStores()
    const metering = createMetered({ ...stores, unitsPerCredit: 1000 })
    const errors: unknown[] = []
    const identify = devIdentity({ metered: metering, onError: (e) => errors.push(e) })
    const req = new Request('http://localhost/', { headers: { [DEV_IDENTITY_HEADER]: 'bo' } })
    try {
      vi.stubEnv('METERED_DEV_IDENTITY', '1')
      vi.stubEnv('NODE_ENV', 'test')
      expect(await identify(req)).toEqual({ id: 'bo' })
      vi.stubEnv('NODE_ENV', 'production')
      expect(await identify(req)).toBeNull()
      expect(errors).toHaveLength(1)
    } finally {
      vi.unstubAllEnvs()
    }
  })
})
