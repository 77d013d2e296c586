import { createMemoryStores, createMetered } from '@metered/core'
import type { AuthOptions } from 'next-auth'
import { describe, expect, it } from 'vitest'
import { type AuthUserLike, meteredAuth } from '../src/auth/index.js'
import { createMeteredNext } from '../src/create-metered-next.js'
import { identityFromSession } from '../src/server/identify.js'

const google = { provider: 'google', type: 'oauth', providerAccountId: '1234' }
const alice = { id: 'usr_alice', email: 'alice@example.com', name: 'Alice', image: 'https://img/alice.png' }

function setup({
  unitsPerCredit,
  ...options
}: Partial<Parameters<typeof meteredAuth>[0]> & { unitsPerCredit?: number } = {}) {
  const stores = createMemoryStores()
  const errors: unknown[] = []
  let info = { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 Test' }
  const auth = meteredAuth({
    metered: createMetered({ ...stores, ...(unitsPerCredit === undefined ? {} : { unitsPerCredit }) }),
    getRequestInfo: () => info,
    onError: (e) => errors.push(e),
    ...options,
  })
  return {
    stores,
    auth,
    errors,
    setInfo(next: typeof info) {
      info = next
    },
    signIn: (user: AuthUserLike = alice, account: { provider: string } | null = google) =>
      auth.events.signIn({ user, account, isNewUser: false }),
  }
}

describe('meteredAuth: sign-in', () => {
  it('upserts the profile and records the login with provider, ip and user agent', async () => {
    const t = setup()
    await t.signIn()
    const profile = await t.stores.users.get('usr_alice')
    expect(profile).toMatchObject({
      id: 'usr_alice',
      email: 'alice@example.com',
      name: 'Alice',
      image: 'https://img/alice.png',
      role: 'user',
      loginCount: 1,
    })
    const { logins } = await t.stores.users.logins('usr_alice')
    expect(logins).toEqual([
      {
        id: expect.any(String),
        userId: 'usr_alice',
        provider: 'google',
        ip: '203.0.113.7',
        userAgent: 'Mozilla/5.0 Test',
        at: expect.any(Number),
      },
    ])
    expect(t.errors).toEqual([])
  })

  it('records every login, and profile changes from the provider', async () => {
    const t = setup()
    await t.signIn()
    t.setInfo({ ip: '198.51.100.1', userAgent: 'Phone' })
    await t.signIn({ ...alice, name: 'Alice B.' }, { provider: 'credentials' })
    const profile = await t.stores.users.get('usr_alice')
    expect(profile).toMatchObject({ name: 'Alice B.', loginCount: 2 })
    const { logins } = await t.stores.users.logins('usr_alice')
    expect(logins.map((l) => [l.provider, l.ip, l.userAgent])).toEqual([
      ['credentials', '198.51.100.1', 'Phone'],
      ['google', '203.0.113.7', 'Mozilla/5.0 Test'],
    ])
  })

  it('a missing account records provider "unknown"; values past the store limits are dropped, not fatal', async () => {
    const t = setup()
    t.setInfo({ ip: '1'.repeat(300), userAgent: 'u'.repeat(5000) })
    await t.signIn({ ...alice, name: 'n'.repeat(500) }, null)
    const [login] = (await t.stores.users.logins('usr_alice')).logins
    expect(login?.provider).toBe('unknown')
    expect(login?.userAgent).toHaveLength(1000)
    expect((await t.stores.users.get('usr_alice'))?.name).toBeNull()
    expect(t.errors).toEqual([])
  })

  it('promotes admin emails case-insensitively (array or comma-separated string); others keep their role', async () => {
    const t = setup({ admins: ' Root@Example.COM , ops@example.com' })
    await t.signIn({ id: 'usr_root', email: 'root@example.com', name: 'Root', image: null })
    expect((await t.stores.users.get('usr_root'))?.role).toBe('admin')
    await t.signIn()
    expect((await t.stores.users.get('usr_alice'))?.role).toBe('user')
    // promoted by an admin in the app: a later sign-in keeps it
    await t.stores.users.setRole('usr_alice', 'admin')
    await t.signIn()
    expect((await t.stores.users.get('usr_alice'))?.role).toBe('admin')

    const u = setup({ admins: ['ALICE@example.com'] })
    await u.signIn()
    expect((await u.stores.users.get('usr_alice'))?.role).toBe('admin')
  })

  it('never throws: store failures are reported and the sign-in goes on', async () => {
    const stores = createMemoryStores()
    const errors: unknown[] = []
    const users = { ...stores.users, recordLogin: async () => Promise.reject(new Error('db down')) }
    const auth = meteredAuth({
      metered: createMetered(stores),
      users,
      signupCredits: 5,
      getRequestInfo: () => null,
      onError: (e) => errors.push(e),
    })
    await expect(auth.events.signIn({ user: alice, account: google })).resolves.toBeUndefined()
    expect(errors).toHaveLength(1)
    // the grant still happened
    expect((await stores.ledger.balance('usr_alice')).available).toBe(5)
    await expect(auth.events.signIn({ user: { email: 'x@y' }, account: google })).resolves.toBeUndefined()
    expect(errors).toHaveLength(2)
  })

  it('without getRequestInfo or a request scope, ip and user agent are null', async () => {
    const stores = createMemoryStores()
    const auth = meteredAuth({ users: stores.users })
    await auth.events.signIn({ user: alice, account: google })
    const [login] = (await stores.users.logins('usr_alice')).logins
    expect(login).toMatchObject({ ip: null, userAgent: null })
  })
})

describe('meteredAuth: signup credits', () => {
  it('grants the bonus once across repeated sign-ins', async () => {
    const t = setup({ signupCredits: 100 })
    for (let i = 0; i < 5; i++) await t.signIn()
    expect((await t.stores.ledger.balance('usr_alice')).available).toBe(100)
    const { entries } = await t.stores.ledger.history('usr_alice')
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({ type: 'grant', amount: 100, reason: 'signup' })
    expect((await t.stores.users.get('usr_alice'))?.loginCount).toBe(5)
  })

  it('grants once across 50 concurrent sign-ins, with decimal credits in milli-credit units', async () => {
    const t = setup({ signupCredits: 2.5, unitsPerCredit: 1000 })
    await Promise.all(Array.from({ length: 50 }, () => t.signIn()))
    expect((await t.stores.ledger.balance('usr_alice')).available).toBe(2500)
    expect((await t.stores.ledger.history('usr_alice')).entries).toHaveLength(1)
    expect((await t.stores.ledger.verify('usr_alice')).ok).toBe(true)
    expect((await t.stores.users.get('usr_alice'))?.loginCount).toBe(50)
    expect(t.errors).toEqual([])
  })

  it('0 (the default) grants nothing', async () => {
    const t = setup()
    await t.signIn()
    expect((await t.stores.ledger.history('usr_alice')).entries).toHaveLength(0)
  })

  it('a bonus changed later never grants an existing user again, and is no error', async () => {
    const stores = createMemoryStores()
    const errors: unknown[] = []
    const base = {
      metered: createMetered(stores),
      getRequestInfo: () => null,
      onError: (e: unknown) => errors.push(e),
    }
    await meteredAuth({ ...base, signupCredits: 100 }).events.signIn({ user: alice, account: google })
    await meteredAuth({ ...base, signupCredits: 250 }).events.signIn({ user: alice, account: google })
    expect((await stores.ledger.balance('usr_alice')).available).toBe(100)
    expect(errors).toEqual([])
  })

  it('refuses bad configuration at start-up', () => {
    const stores = createMemoryStores()
    const metered = createMetered(stores)
    expect(() => meteredAuth({ metered, signupCredits: 0.5 })).toThrow(/signupCredits/)
    expect(() => meteredAuth({ metered, signupCredits: -1 })).toThrow(/signupCredits/)
    expect(() => meteredAuth({ users: stores.users, signupCredits: 10 })).toThrow(/metered/)
    const tenths = createMetered({ ...stores, unitsPerCredit: 10 })
    expect(() => meteredAuth({ metered: tenths, signupCredits: 0.5 })).not.toThrow()
    expect(() => meteredAuth({ metered: tenths, signupCredits: 0.05 })).toThrow(/signupCredits.*0\.1 credit/)
  })
})

describe('meteredAuth: sessions', () => {
  it('database strategy: session({ session, user }) gets id and the stored role', async () => {
    const t = setup({ admins: ['root@example.com'] })
    await t.signIn()
    // exactly what next-auth v4 passes with an adapter (core/routes/session.js)
    const adapterUser = { ...alice, emailVerified: null }
    const session = await t.auth.callbacks.session({
      session: {
        user: { name: 'Alice', email: 'alice@example.com', image: alice.image },
        expires: '2030-01-01T00:00:00.000Z',
      },
      user: adapterUser,
    })
    expect(session).toEqual({
      user: { name: 'Alice', email: 'alice@example.com', image: alice.image, id: 'usr_alice', role: 'user' },
      expires: '2030-01-01T00:00:00.000Z',
    })
    expect(identityFromSession(session)).toEqual({ id: 'usr_alice', role: 'user', email: 'alice@example.com' })

    // promoted in the store: the next session read shows it
    await t.stores.users.setRole('usr_alice', 'admin')
    const again = await t.auth.callbacks.session({ session: { user: {}, expires: 'x' }, user: adapterUser })
    expect(again.user.role).toBe('admin')
  })

  it('database strategy before any profile exists: the admins list decides', async () => {
    const t = setup({ admins: ['root@example.com'] })
    const s = await t.auth.callbacks.session({
      session: { expires: 'x' },
      user: { id: 'usr_root', email: 'root@example.com' },
    })
    expect(s.user).toEqual({ id: 'usr_root', role: 'admin' })
  })

  it('database strategy, signed in before metered was installed: the first session check records the profile and grants the signup credits, once', async () => {
    // next-auth extends a database session on use (updateAge), so such a user may never sign in again
    const t = setup({ signupCredits: 100, admins: ['root@example.com'] })
    const adapterUser = { ...alice, emailVerified: null }
    const checks = await Promise.all(
      Array.from({ length: 5 }, () =>
        t.auth.callbacks.session({ session: { user: { name: 'Alice' }, expires: 'x' }, user: adapterUser }),
      ),
    )
    for (const s of checks) expect(s.user).toEqual({ name: 'Alice', id: 'usr_alice', role: 'user' })
    expect(await t.stores.users.get('usr_alice')).toMatchObject({
      id: 'usr_alice',
      email: 'alice@example.com',
      name: 'Alice',
      role: 'user',
    })
    expect((await t.stores.ledger.balance('usr_alice')).available).toBe(100)
    await t.auth.callbacks.session({ session: { expires: 'x' }, user: adapterUser })
    await t.signIn()
    expect((await t.stores.ledger.balance('usr_alice')).available).toBe(100)
    // a session check is not a login: only the real sign-in is in the history
    expect((await t.stores.users.logins('usr_alice')).logins).toHaveLength(1)
    expect(t.errors).toEqual([])
  })

  it('JWT strategy: jwt at sign-in stores id and role (before events.signIn ran), session reads them', async () => {
    const t = setup({ admins: ['root@example.com'] })
    const root = { id: 'usr_root', email: 'root@example.com', name: 'Root', image: null }
    // next-auth v4 order: jwt({ token, user, account, profile, isNewUser, trigger }) then events.signIn
    const token = await t.auth.callbacks.jwt({
      token: { name: 'Root', email: 'root@example.com', picture: null, sub: 'usr_root' },
      user: root,
      trigger: 'signUp',
    })
    expect(token).toMatchObject({ sub: 'usr_root', id: 'usr_root', role: 'admin' })
    await t.signIn(root)
    // later requests: jwt({ token }) keeps it; session({ session, token }) exposes it
    const later = await t.auth.callbacks.jwt({ token })
    expect(later).toEqual(token)
    const session = await t.auth.callbacks.session({
      session: { user: { name: 'Root', email: 'root@example.com', image: null }, expires: 'x' },
      token: later,
    })
    expect(session.user).toEqual({
      name: 'Root',
      email: 'root@example.com',
      image: null,
      id: 'usr_root',
      role: 'admin',
    })
    expect(identityFromSession(session)?.id).toBe('usr_root')
  })

  it('JWT strategy, a token minted before metered was installed: the first check records the profile and grants the signup credits, then stamps the token', async () => {
    const t = setup({ signupCredits: 100, admins: ['root@example.com'] })
    const old = { name: 'Alice', email: 'alice@example.com', picture: 'https://img/alice.png', sub: 'usr_alice' }
    const tokens = await Promise.all(Array.from({ length: 5 }, () => t.auth.callbacks.jwt({ token: { ...old } })))
    for (const token of tokens) expect(token).toEqual({ ...old, id: 'usr_alice', role: 'user' })
    expect(await t.stores.users.get('usr_alice')).toMatchObject({
      id: 'usr_alice',
      email: 'alice@example.com',
      name: 'Alice',
      image: 'https://img/alice.png',
      role: 'user',
    })
    expect((await t.stores.ledger.balance('usr_alice')).available).toBe(100)
    // the stamped token is not adopted again, and a later real sign-in grants nothing more
    const reads: string[] = []
    const get = t.stores.users.get.bind(t.stores.users)
    t.stores.users.get = async (id) => {
      reads.push(id)
      return get(id)
    }
    expect(await t.auth.callbacks.jwt({ token: tokens[0]! })).toEqual(tokens[0])
    expect(reads).toEqual([])
    await t.signIn()
    expect((await t.stores.ledger.balance('usr_alice')).available).toBe(100)
    expect((await t.stores.users.logins('usr_alice')).logins).toHaveLength(1)
    // an admin email is an admin from its first check
    const root = await t.auth.callbacks.jwt({ token: { email: 'root@example.com', sub: 'usr_root' } })
    expect(root).toMatchObject({ id: 'usr_root', role: 'admin' })
    expect(await t.stores.users.get('usr_root')).toMatchObject({ role: 'admin' })
    expect(t.errors).toEqual([])
  })

  it('JWT strategy, a token minted before metered and a store that fails: reported, left unstamped, nothing granted', async () => {
    const stores = createMemoryStores()
    const errors: unknown[] = []
    let down = true
    const users = {
      ...stores.users,
      upsert: async (p: Parameters<typeof stores.users.upsert>[0]) =>
        down ? Promise.reject(new Error('db down')) : stores.users.upsert(p),
    }
    const auth = meteredAuth({
      users,
      metered: createMetered(stores),
      signupCredits: 5,
      onError: (e) => errors.push(e),
    })
    const first = await auth.callbacks.jwt({ token: { sub: 'usr_bob' } })
    expect(first).toEqual({ sub: 'usr_bob' })
    expect(errors).toHaveLength(1)
    expect((await stores.ledger.balance('usr_bob')).available).toBe(0)
    down = false
    expect(await auth.callbacks.jwt({ token: first })).toEqual({ sub: 'usr_bob', id: 'usr_bob', role: 'user' })
    expect((await stores.ledger.balance('usr_bob')).available).toBe(5)
  })

  it('JWT strategy: an existing user’s stored role; update() refreshes it', async () => {
    const t = setup()
    await t.signIn()
    await t.stores.users.setRole('usr_alice', 'admin')
    const token = await t.auth.callbacks.jwt({ token: { sub: 'usr_alice' }, user: alice, trigger: 'signIn' })
    expect(token.role).toBe('admin')
    await t.stores.users.setRole('usr_alice', 'user')
    expect((await t.auth.callbacks.jwt({ token })).role).toBe('admin')
    expect((await t.auth.callbacks.jwt({ token, trigger: 'update' })).role).toBe('user')
  })

  it('a token without our id falls back to sub; no id at all leaves the session alone', async () => {
    const t = setup()
    const s = await t.auth.callbacks.session({
      session: { user: { name: 'A' }, expires: 'x' },
      token: { sub: 'usr_x' },
    })
    expect(s.user).toEqual({ name: 'A', id: 'usr_x', role: 'user' })
    const none = { user: { name: 'A' }, expires: 'x' }
    expect(await t.auth.callbacks.session({ session: none, token: {} })).toEqual(none)
  })

  it('a store failure while reading the role gives role "user" and is reported', async () => {
    const stores = createMemoryStores()
    const errors: unknown[] = []
    const users = { ...stores.users, get: async () => Promise.reject(new Error('db down')) }
    const auth = meteredAuth({ users, onError: (e) => errors.push(e) })
    const s = await auth.callbacks.session({ session: { expires: 'x' }, user: alice })
    expect(s.user).toEqual({ id: 'usr_alice', role: 'user' })
    expect(errors).toHaveLength(1)
  })

  it('spreads into next-auth v4 AuthOptions (type check)', () => {
    const m = meteredAuth({ metered: createMetered(createMemoryStores()) })
    const options: AuthOptions = { providers: [], events: m.events, callbacks: m.callbacks }
    expect(options.callbacks?.session).toBeTypeOf('function')
  })
})

describe('meteredAuth: from a metered instance', () => {
  it('takes users, ledger and the credit unit from the instance, so the bonus is in the app units', async () => {
    const stores = createMemoryStores()
    const metered = createMetered({ ...stores, unitsPerCredit: 1000 })
    const auth = meteredAuth({ metered, signupCredits: 1.5, getRequestInfo: () => ({ ip: null, userAgent: null }) })
    await auth.events.signIn({ user: alice, account: google, isNewUser: true })
    await auth.events.signIn({ user: alice, account: google, isNewUser: false })
    expect((await stores.ledger.balance('usr_alice')).available).toBe(1500)
    expect((await stores.users.get('usr_alice'))?.loginCount).toBe(2)
  })

  it('takes a createMeteredNext instance as well', async () => {
    const stores = createMemoryStores()
    const next = createMeteredNext({ ...stores, unitsPerCredit: 7, identify: () => null })
    const auth = meteredAuth({ metered: next, signupCredits: 3, getRequestInfo: () => null })
    await auth.events.signIn({ user: alice, account: google })
    expect((await stores.ledger.balance('usr_alice')).available).toBe(21)
  })

  it('refuses a missing user store', () => {
    const stores = createMemoryStores()
    const noUsers = createMetered({ ledger: stores.ledger })
    expect(() => meteredAuth({ metered: noUsers })).toThrow(/users/)
  })
})
