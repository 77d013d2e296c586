import { createMemoryStores } from '@metered/core'
import { describe, expect, it } from 'vitest'
import { authjs, identityFromSession, nextAuthV4 } from '../src/index.js'
import { resolveRole } from '../src/server/identify.js'
import { noParams, post, setup } from './server-helpers.js'

describe('identify helpers', () => {
  it('nextAuthV4 calls getServerSession(authOptions) and reads id, role, plan, email', async () => {
    const authOptions = { secret: 'x' }
    const seen: unknown[] = []
    const identify = nextAuthV4(async (options) => {
      seen.push(options)
      return { user: { id: 'u1', email: 'a@b.c', role: 'admin', plan: 'pro', name: 'A' }, expires: '2030' } as never
    }, authOptions)
    expect(await identify(new Request('http://x'))).toEqual({ id: 'u1', email: 'a@b.c', role: 'admin', plan: 'pro' })
    expect(seen).toEqual([authOptions])
  })

  it('a session without user.id is anonymous (next-auth v4 without the id callback)', async () => {
    const identify = nextAuthV4(async () => ({ user: { email: 'a@b.c' } }), {})
    expect(await identify(new Request('http://x'))).toBeNull()
    expect(await nextAuthV4(async () => null, {})(new Request('http://x'))).toBeNull()
  })

  it('authjs calls auth() with no arguments', async () => {
    const identify = authjs(async () => ({ user: { id: 'u2', role: 'user' } }))
    expect(await identify(new Request('http://x'))).toEqual({ id: 'u2', role: 'user' })
    expect(identityFromSession({ user: { id: 'u3', role: 'root' } })).toEqual({ id: 'u3' }) // unknown roles dropped
  })

  it('a plain function passes through; account selects the charged account (pooled org credits)', async () => {
    const t = setup({ identify: () => ({ id: 'member-1', account: 'org-1' }) })
    await t.grant('org-1', 5)
    const POST = t.metered.withCredits({ feature: 'image', price: 1 }, (_req, ctx) =>
      Response.json({ account: ctx.account, user: ctx.user.id }),
    )
    const res = await POST(post({}), noParams)
    expect(await res.json()).toEqual({ account: 'org-1', user: 'member-1' })
    await t.flush()
    expect(await t.available('org-1')).toBe(4000)
    const { events } = await t.stores.usage.list({ account: 'org-1', from: 0, to: Date.now() + 1000 })
    expect(events[0]).toMatchObject({ account: 'org-1', userId: 'member-1' })
  })

  it('role for admin checks comes from the user store, never the session claim', async () => {
    const { users } = createMemoryStores()
    await users.upsert({ id: 'u1', email: 'a@b.c' })
    expect(await resolveRole({ id: 'u1', role: 'admin' }, users)).toBe('user')
    await users.setRole('u1', 'admin')
    expect(await resolveRole({ id: 'u1', role: 'user' }, users)).toBe('admin')
    expect(await resolveRole({ id: 'ghost', role: 'admin' }, users)).toBe('user')
    expect(await resolveRole({ id: 'u1', role: 'admin' }, null)).toBe('admin')
    const t = setup({ identify: () => ({ id: 'u1', role: 'admin' }) })
    expect(await t.metered.role({ id: 'u1', role: 'admin' })).toBe('user')
  })
})
