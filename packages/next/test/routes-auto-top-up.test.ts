import { describe, expect, it } from 'vitest'
import { createAutoTopUpRoutes } from '../src/routes/index.js'
import { autoTopUpApp } from './auto-top-up-setup.js'
import { body, call } from './routes-setup.js'

const BASE = '/api/auto-top-up'

function setup() {
  const { deps, topUp } = autoTopUpApp((req) => {
    const id = req.headers.get('x-user')
    return id ? { id } : null
  })
  return { routes: createAutoTopUpRoutes(deps, topUp), topUp }
}

describe('auto top-up settings route', () => {
  it('answers 401 problem+json without a session', async () => {
    const { routes } = setup()
    const res = await call(routes, 'GET', BASE, '')
    expect(res.status).toBe(401)
    expect((await body(res)).code).toBe('unauthenticated')
  })

  it("reads and saves the signed-in account's own settings, never another's", async () => {
    const { routes, topUp } = setup()
    expect(await body(await call(routes, 'GET', BASE, '', { user: 'alice' }))).toEqual({
      enabled: false,
      threshold: 0,
      packId: null,
      paused: null,
    })
    const saved = await call(routes, 'POST', BASE, '', {
      user: 'alice',
      body: { enabled: true, threshold: 12.5, packId: 'pack-5' },
    })
    expect(saved.status).toBe(200)
    const settings = { enabled: true, threshold: 12.5, packId: 'pack-5', paused: null }
    expect(await body(saved)).toEqual(settings)
    expect(await topUp.settings('alice')).toEqual(settings)
    // Bob, even naming alice, reads and writes his own.
    expect((await body(await call(routes, 'GET', BASE, '?account=alice', { user: 'bob' }))).enabled).toBe(false)
    await call(routes, 'POST', BASE, '?account=alice', {
      user: 'bob',
      body: { enabled: false, threshold: 1, packId: 'pack-5' },
    })
    expect(await topUp.settings('alice')).toEqual(settings)
  })

  it.each([
    ['a pack not in the catalog', { enabled: true, threshold: 10, packId: 'nope' }, 'packId'],
    ['a pack sold by price id only', { enabled: true, threshold: 10, packId: 'dashboard-only' }, 'packId'],
    ['a negative threshold', { enabled: true, threshold: -1, packId: 'pack-5' }, 'threshold'],
    ['a threshold as text', { enabled: true, threshold: '10', packId: 'pack-5' }, 'threshold'],
    ['an unknown key', { enabled: true, threshold: 10, packId: 'pack-5', account: 'bob' }, ''],
  ])('refuses %s with a 400 problem and saves nothing', async (_name, input, path) => {
    const { routes, topUp } = setup()
    const res = await call(routes, 'POST', BASE, '', { user: 'alice', body: input })
    expect(res.status).toBe(400)
    const problem = await body(res)
    expect(problem.code).toBe('invalid_input')
    expect(problem.issues.map((i: { path: string }) => i.path)).toContain(path)
    expect((await topUp.settings('alice')).enabled).toBe(false)
  })

  it('refuses a body that is not JSON', async () => {
    const { routes } = setup()
    const res = await call(routes, 'POST', BASE, '', {
      user: 'alice',
      raw: 'enabled=true',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(res.status).toBe(400)
  })
})
