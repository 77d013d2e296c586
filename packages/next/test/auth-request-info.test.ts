import { createMemoryStores } from '@metered/core'
import { describe, expect, it, vi } from 'vitest'

// next-auth v4 events get no request: meteredAuth reads it through next/headers inside the
// App Router's auth route handler. Here that module is replaced by one holding a request's headers.
vi.mock('next/headers', () => ({
  headers: async () =>
    new Headers({ 'x-forwarded-for': '10.0.0.1, 203.0.113.9', 'user-agent': 'Mozilla/5.0 (from next/headers)' }),
}))

describe('meteredAuth: request info from next/headers', () => {
  it('records the address the proxy appended (rightmost x-forwarded-for) and the user agent', async () => {
    const { meteredAuth } = await import('../src/auth/index.js')
    const stores = createMemoryStores()
    const auth = meteredAuth({ users: stores.users })
    await auth.events.signIn({ user: { id: 'u1', email: 'u1@example.com' }, account: { provider: 'google' } })
    const [login] = (await stores.users.logins('u1')).logins
    expect(login).toMatchObject({ provider: 'google', ip: '203.0.113.9', userAgent: 'Mozilla/5.0 (from next/headers)' })
  })

  it('a custom clientIp reads the headers its own way', async () => {
    const { meteredAuth } = await import('../src/auth/index.js')
    const stores = createMemoryStores()
    const auth = meteredAuth({
      users: stores.users,
      clientIp: (h) => h.get('x-forwarded-for')?.split(',')[0]?.trim() ?? null,
    })
    await auth.events.signIn({ user: { id: 'u1' }, account: { provider: 'google' } })
    expect((await stores.users.logins('u1')).logins[0]?.ip).toBe('10.0.0.1')
  })
})
