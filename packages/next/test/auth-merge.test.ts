import { createMemoryStores, createMetered } from '@metered/core'
import type { AuthOptions, Session } from 'next-auth'
import { describe, expect, it } from 'vitest'
import { mergeAuthOptions, meteredAuth } from '../src/auth/index.js'

const alice = { id: 'usr_alice', email: 'alice@example.com', name: 'Alice', image: null }
const google = { provider: 'google', type: 'oauth' as const, providerAccountId: '1' }

/** A merged callback, called the way next-auth calls it (its declared types are too narrow for tests). */
// biome-ignore lint/suspicious/noExplicitAny: test access to loosely typed results
const fn = (f: unknown) => f as (params: unknown) => Promise<any>

function setup() {
  const stores = createMemoryStores()
  const m = meteredAuth({
    metered: createMetered(stores),
    signupCredits: 10,
    getRequestInfo: () => ({ ip: '10.1.1.1', userAgent: 'UA' }),
  })
  return { stores, m }
}

describe('mergeAuthOptions', () => {
  it('keeps the app’s events, callbacks and options working next to metered’s', async () => {
    const { stores, m } = setup()
    const calls: string[] = []
    const base: AuthOptions = {
      providers: [],
      session: { strategy: 'database' },
      pages: { signIn: '/login' },
      events: {
        async signIn({ user }) {
          // metered's runs first: the profile is already there
          calls.push(`signIn:${(await stores.users.get(user.id))?.id}`)
        },
        signOut() {
          calls.push('signOut')
        },
      },
      callbacks: {
        async session({ session }) {
          calls.push(`session:${(session.user as { id?: string }).id}`)
          return { ...session, plan: 'pro' } as Session
        },
        redirect: ({ baseUrl }) => baseUrl,
        signIn: () => true,
      },
    }
    const merged: AuthOptions = mergeAuthOptions(base, m)
    expect(merged.providers).toBe(base.providers)
    expect(merged.session).toEqual({ strategy: 'database' })
    expect(merged.pages).toEqual({ signIn: '/login' })
    expect(merged.callbacks?.redirect).toBe(base.callbacks?.redirect)
    expect(merged.callbacks?.signIn).toBe(base.callbacks?.signIn)
    expect(merged.events?.signOut).toBe(base.events?.signOut)

    await merged.events?.signIn?.({ user: alice, account: google, isNewUser: true })
    expect(calls).toEqual(['signIn:usr_alice'])
    expect((await stores.ledger.balance('usr_alice')).available).toBe(10)
    expect((await stores.users.logins('usr_alice')).logins).toHaveLength(1)

    const session = await fn(merged.callbacks?.session)({
      session: { user: { name: 'Alice', email: alice.email, image: null }, expires: 'x' },
      user: { ...alice, emailVerified: null },
    })
    expect(calls).toEqual(['signIn:usr_alice', 'session:usr_alice'])
    expect(session).toEqual({
      user: { name: 'Alice', email: alice.email, image: null, id: 'usr_alice', role: 'user' },
      expires: 'x',
      plan: 'pro',
    })
    // the input was not changed
    expect(base.callbacks?.jwt).toBeUndefined()
  })

  it('puts id and role back when the app’s session callback rebuilds session.user', async () => {
    const { m } = setup()
    const merged = mergeAuthOptions(
      {
        providers: [],
        callbacks: {
          session: ({ session }: { session: Session }) => ({ expires: session.expires, user: { name: 'only name' } }),
        },
      } as AuthOptions,
      m,
    )
    const session = await fn(merged.callbacks?.session)({
      session: { user: {}, expires: 'x' },
      token: { sub: 'usr_alice', id: 'usr_alice', role: 'admin' },
    })
    expect(session).toEqual({ expires: 'x', user: { id: 'usr_alice', role: 'admin', name: 'only name' } })
  })

  it('chains jwt: the app’s callback sees metered’s fields and keeps its own', async () => {
    const { m } = setup()
    const seen: unknown[] = []
    const merged = mergeAuthOptions(
      {
        providers: [],
        session: { strategy: 'jwt' },
        callbacks: {
          jwt: ({ token, account }) => {
            seen.push(token.id)
            return account ? { accessToken: 'at_1', ...(token.sub ? { sub: token.sub } : {}) } : token
          },
        },
      } satisfies AuthOptions,
      m,
    )
    const jwt = fn(merged.callbacks.jwt)
    const token = await jwt({ token: { sub: 'usr_alice' }, user: alice, account: google, trigger: 'signIn' })
    expect(seen).toEqual(['usr_alice'])
    expect(token).toEqual({ accessToken: 'at_1', sub: 'usr_alice', id: 'usr_alice', role: 'user' })
    // a callback returning null (Auth.js v5: sign out) stays null
    const nulling = mergeAuthOptions({ callbacks: { jwt: () => null } }, m)
    expect(await fn(nulling.callbacks.jwt)({ token: { sub: 'x' } })).toBeNull()
  })

  it('works without any events or callbacks of the app (Auth.js v5 config shape)', async () => {
    const { stores, m } = setup()
    const config = mergeAuthOptions({ providers: [] as unknown[], trustHost: true }, m)
    expect(config.trustHost).toBe(true)
    await fn((config as { events?: { signIn?: unknown } }).events?.signIn)({ user: alice, account: google })
    expect(await stores.users.get('usr_alice')).not.toBeNull()
  })
})
