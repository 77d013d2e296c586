import { createMemoryStores, createMetered } from '@metered/core'
import type { AuthOptions } from 'next-auth'
import NextAuth from 'next-auth'
import type { Adapter, AdapterAccount, AdapterSession, AdapterUser, VerificationToken } from 'next-auth/adapters'
import CredentialsProvider from 'next-auth/providers/credentials'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { mergeAuthOptions, meteredAuth } from '../src/auth/index.js'
import { identityFromSession } from '../src/server/identify.js'

/**
 * The real next-auth v4 (its pages-API handler, `NextAuth(req, res, options)`, which runs the same
 * core as the App Router handler without needing a Next request scope)
 * driving full sign-ins: a credentials sign-in with JWT sessions, and an email sign-in with an
 * adapter and database sessions (the Prisma adapter's flow, on an in-memory adapter).
 */

type Jar = Record<string, string>
type Internal = { status?: number; body?: unknown; cookies?: Array<{ name: string; value: string }>; redirect?: string }

const secret = 'test-secret-0123456789abcdef0123456789abcdef'
const baseHeaders = { host: 'localhost:3000', 'x-forwarded-proto': 'http' }

async function request(
  options: AuthOptions,
  jar: Jar,
  action: string,
  init: { method?: string; providerId?: string; body?: Record<string, unknown>; query?: Record<string, string> } = {},
): Promise<Internal> {
  const out: Internal & { headers: Record<string, unknown> } = { headers: {} }
  const res = {
    status(code: number) {
      out.status = code
      return res
    },
    getHeader: (name: string) => out.headers[name.toLowerCase()],
    setHeader(name: string, value: unknown) {
      out.headers[name.toLowerCase()] = value
      return res
    },
    end() {},
    json(body: unknown) {
      out.body = body
    },
    send(body: unknown) {
      out.body = body
    },
  }
  const req = {
    method: init.method ?? 'GET',
    headers: baseHeaders,
    cookies: { ...jar },
    query: { ...init.query, nextauth: init.providerId ? [action, init.providerId] : [action] },
    body: init.body ?? {},
  }
  await NextAuth(req as never, res as never, options)
  const setCookies = out.headers['set-cookie']
  for (const line of Array.isArray(setCookies) ? (setCookies as string[]) : []) {
    const [pair = ''] = line.split(';')
    const eq = pair.indexOf('=')
    const name = pair.slice(0, eq)
    const value = decodeURIComponent(pair.slice(eq + 1))
    if (value === '' || /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(line)) delete jar[name]
    else jar[name] = value
  }
  const location = out.headers.location
  if (typeof location === 'string') out.redirect = location
  return out
}

async function csrf(options: AuthOptions, jar: Jar): Promise<string> {
  const res = await request(options, jar, 'csrf')
  return (res.body as { csrfToken: string }).csrfToken
}

/** A minimal in-memory adapter with the same contract as the Prisma adapter. */
function memoryAdapter(): Adapter & { tokens: VerificationToken[] } {
  const users = new Map<string, AdapterUser>()
  const accounts: AdapterAccount[] = []
  const sessions = new Map<string, AdapterSession>()
  const tokens: VerificationToken[] = []
  let n = 0
  return {
    tokens,
    async createUser(user: Omit<AdapterUser, 'id'>) {
      const created = { ...user, id: `db_user_${++n}` } as AdapterUser
      users.set(created.id, created)
      return created
    },
    async getUser(id) {
      return users.get(id) ?? null
    },
    async getUserByEmail(email) {
      return [...users.values()].find((u) => u.email === email) ?? null
    },
    async getUserByAccount({ provider, providerAccountId }) {
      const a = accounts.find((x) => x.provider === provider && x.providerAccountId === providerAccountId)
      return a ? (users.get(a.userId) ?? null) : null
    },
    async updateUser(user) {
      const next = { ...users.get(user.id as string), ...user } as AdapterUser
      users.set(next.id, next)
      return next
    },
    async linkAccount(account: AdapterAccount) {
      accounts.push(account)
      return account
    },
    async createSession(session) {
      sessions.set(session.sessionToken, session)
      return session
    },
    async getSessionAndUser(sessionToken) {
      const session = sessions.get(sessionToken)
      const user = session ? users.get(session.userId) : undefined
      return session && user ? { session, user } : null
    },
    async updateSession(session) {
      const next = { ...sessions.get(session.sessionToken), ...session } as AdapterSession
      sessions.set(next.sessionToken, next)
      return next
    },
    async deleteSession(sessionToken) {
      sessions.delete(sessionToken)
    },
    async createVerificationToken(token) {
      tokens.push(token)
      return token
    },
    async useVerificationToken({ identifier, token }) {
      const i = tokens.findIndex((t) => t.identifier === identifier && t.token === token)
      if (i < 0) return null
      const [used] = tokens.splice(i, 1)
      return used ?? null
    },
  }
}

describe('meteredAuth inside next-auth v4', () => {
  // next-auth warns without it (the origin comes from the Host header either way)
  beforeAll(() => {
    vi.stubEnv('NEXTAUTH_URL', 'http://localhost:3000')
    return () => vi.unstubAllEnvs()
  })

  it('JWT sessions: a credentials sign-in records the user and the session carries id and role', async () => {
    const stores = createMemoryStores()
    const appCalls: string[] = []
    const options = mergeAuthOptions(
      {
        secret,
        session: { strategy: 'jwt' },
        providers: [
          CredentialsProvider({
            credentials: { email: { label: 'Email', type: 'email' } },
            authorize: async (c) =>
              c?.email ? { id: `usr_${c.email.split('@')[0]}`, email: c.email, name: 'Dev' } : null,
          }),
        ],
        events: { signIn: () => void appCalls.push('signIn') },
      } satisfies AuthOptions,
      meteredAuth({
        metered: createMetered(stores),
        signupCredits: 50,
        admins: ['boss@example.com'],
        getRequestInfo: () => ({ ip: '203.0.113.4', userAgent: 'Firefox' }),
      }),
    )

    const jar: Jar = {}
    const csrfToken = await csrf(options, jar)
    const callback = await request(options, jar, 'callback', {
      method: 'POST',
      providerId: 'credentials',
      body: { csrfToken, email: 'boss@example.com', callbackUrl: 'http://localhost:3000/' },
    })
    expect(callback.redirect).toBe('http://localhost:3000/')
    expect(appCalls).toEqual(['signIn'])
    expect(await stores.users.get('usr_boss')).toMatchObject({
      email: 'boss@example.com',
      role: 'admin',
      loginCount: 1,
    })
    expect((await stores.users.logins('usr_boss')).logins[0]).toMatchObject({
      provider: 'credentials',
      ip: '203.0.113.4',
      userAgent: 'Firefox',
    })
    expect((await stores.ledger.balance('usr_boss')).available).toBe(50)

    const session = (await request(options, jar, 'session')).body as { user: Record<string, unknown> }
    expect(session.user).toMatchObject({ email: 'boss@example.com', id: 'usr_boss', role: 'admin' })
    expect(identityFromSession(session)).toMatchObject({ id: 'usr_boss', role: 'admin' })

    // a second sign-in: another login, no second bonus
    const again: Jar = {}
    const token2 = await csrf(options, again)
    await request(options, again, 'callback', {
      method: 'POST',
      providerId: 'credentials',
      body: { csrfToken: token2, email: 'boss@example.com' },
    })
    expect((await stores.users.get('usr_boss'))?.loginCount).toBe(2)
    expect((await stores.ledger.balance('usr_boss')).available).toBe(50)
  })

  it('database sessions with an adapter (the starter’s Prisma set-up): id from the user row, role from the store', async () => {
    const stores = createMemoryStores()
    const adapter = memoryAdapter()
    const sent: string[] = []
    const emailProvider = {
      id: 'email',
      type: 'email',
      name: 'Email',
      server: '',
      from: 'noreply@example.com',
      maxAge: 86_400,
      options: {},
      sendVerificationRequest: async ({ url }: { url: string }) => void sent.push(url),
    }
    const options = mergeAuthOptions(
      {
        secret,
        adapter,
        session: { strategy: 'database' },
        providers: [emailProvider as never],
        callbacks: { session: ({ session }) => ({ ...session, app: 'starter' }) },
      } satisfies AuthOptions,
      meteredAuth({
        metered: createMetered({ ...stores, unitsPerCredit: 1000 }),
        signupCredits: 1.5,
        getRequestInfo: () => null,
      }),
    )

    const jar: Jar = {}
    const csrfToken = await csrf(options, jar)
    await request(options, jar, 'signin', {
      method: 'POST',
      providerId: 'email',
      body: { csrfToken, email: 'ann@example.com' },
    })
    expect(sent).toHaveLength(1)
    const link = new URL(sent[0] as string)
    const callback = await request(options, jar, 'callback', {
      providerId: 'email',
      query: Object.fromEntries(link.searchParams),
    })
    expect(callback.redirect).toBeDefined()

    // next-auth created the user row; metered keyed its profile, login and bonus by that row's id
    const profile = await stores.users.get('db_user_1')
    expect(profile).toMatchObject({ email: 'ann@example.com', role: 'user', loginCount: 1 })
    expect((await stores.users.logins('db_user_1')).logins[0]).toMatchObject({ provider: 'email', ip: null })
    expect((await stores.ledger.balance('db_user_1')).available).toBe(1500)

    const read = async () =>
      (await request(options, jar, 'session')).body as { user: Record<string, unknown>; app?: string }
    const session = await read()
    expect(session.user).toMatchObject({ email: 'ann@example.com', id: 'db_user_1', role: 'user' })
    expect(session.app).toBe('starter')

    // promoted by an admin: the very next session read shows it (database sessions read the store)
    await stores.users.setRole('db_user_1', 'admin')
    expect((await read()).user.role).toBe('admin')
  })
})
