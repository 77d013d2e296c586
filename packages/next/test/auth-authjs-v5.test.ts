import { Auth, type AuthConfig } from '@auth/core'
import type { Adapter, AdapterUser, VerificationToken } from '@auth/core/adapters'
import Credentials from '@auth/core/providers/credentials'
import type { EmailConfig } from '@auth/core/providers/email'
import { createMemoryStores, createMetered } from '@metered/core'
import { describe, expect, it } from 'vitest'
import { mergeAuthOptions, meteredAuth } from '../src/auth/index.js'
import { identityFromSession } from '../src/server/identify.js'

/**
 * Auth.js v5 runs on `@auth/core`'s `Auth(request, config)` (what `NextAuth()`'s handlers and
 * `auth()` call), with Web Requests: full sign-ins through it, JWT and database sessions.
 */

const secret = 'test-secret-0123456789abcdef0123456789abcdef'
const origin = 'http://localhost:3000'

type Jar = Record<string, string>

async function send(
  config: AuthConfig,
  jar: Jar,
  path: string,
  init: { method?: string; form?: Record<string, string> } = {},
) {
  const headers = new Headers({
    cookie: Object.entries(jar)
      .map(([k, v]) => `${k}=${v}`)
      .join('; '),
  })
  let body: string | undefined
  if (init.form) {
    headers.set('content-type', 'application/x-www-form-urlencoded')
    body = new URLSearchParams(init.form).toString()
  }
  const res = await Auth(
    new Request(`${origin}/api/auth/${path}`, { method: init.method ?? 'GET', headers, ...(body ? { body } : {}) }),
    config,
  )
  for (const line of res.headers.getSetCookie()) {
    const [pair = ''] = line.split(';')
    const eq = pair.indexOf('=')
    const name = pair.slice(0, eq)
    const value = pair.slice(eq + 1)
    if (value === '' || /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(line)) delete jar[name]
    else jar[name] = value
  }
  return res
}

async function csrf(config: AuthConfig, jar: Jar) {
  return ((await (await send(config, jar, 'csrf')).json()) as { csrfToken: string }).csrfToken
}

function memoryAdapter(): Adapter {
  const users = new Map<string, AdapterUser>()
  const sessions = new Map<string, { sessionToken: string; userId: string; expires: Date }>()
  const tokens: VerificationToken[] = []
  let n = 0
  return {
    async createUser(user: AdapterUser) {
      const created = { ...user, id: `db_user_${++n}` }
      users.set(created.id, created)
      return created
    },
    getUser: async (id: string) => users.get(id) ?? null,
    getUserByEmail: async (email: string) => [...users.values()].find((u) => u.email === email) ?? null,
    getUserByAccount: async () => null,
    async updateUser(user) {
      const next = { ...users.get(user.id), ...user } as AdapterUser
      users.set(next.id, next)
      return next
    },
    linkAccount: async (account) => account,
    async createSession(session) {
      sessions.set(session.sessionToken, session)
      return session
    },
    async getSessionAndUser(sessionToken: string) {
      const session = sessions.get(sessionToken)
      const user = session ? users.get(session.userId) : undefined
      return session && user ? { session, user } : null
    },
    async updateSession(session) {
      const next = { ...sessions.get(session.sessionToken), ...session } as {
        sessionToken: string
        userId: string
        expires: Date
      }
      sessions.set(next.sessionToken, next)
      return next
    },
    async deleteSession(sessionToken: string) {
      sessions.delete(sessionToken)
    },
    async createVerificationToken(token: VerificationToken) {
      tokens.push(token)
      return token
    },
    async useVerificationToken({ identifier, token }: { identifier: string; token: string }) {
      const i = tokens.findIndex((t) => t.identifier === identifier && t.token === token)
      return i < 0 ? null : (tokens.splice(i, 1)[0] ?? null)
    },
  }
}

describe('meteredAuth inside Auth.js v5 (@auth/core)', () => {
  it('JWT sessions: credentials sign-in records the user; the session carries id and role', async () => {
    const stores = createMemoryStores()
    const config: AuthConfig = mergeAuthOptions(
      {
        secret,
        trustHost: true,
        basePath: '/api/auth',
        session: { strategy: 'jwt' },
        providers: [
          Credentials({
            credentials: { email: {} },
            authorize: async (c) =>
              typeof c.email === 'string' ? { id: `usr_${c.email.split('@')[0]}`, email: c.email } : null,
          }),
        ],
      } satisfies AuthConfig,
      meteredAuth({
        metered: createMetered(stores),
        signupCredits: 20,
        admins: 'boss@example.com',
        getRequestInfo: () => ({ ip: '198.51.100.8', userAgent: 'Safari' }),
      }),
    )

    const jar: Jar = {}
    const csrfToken = await csrf(config, jar)
    const signIn = await send(config, jar, 'callback/credentials', {
      method: 'POST',
      form: { csrfToken, email: 'boss@example.com' },
    })
    expect(signIn.status).toBe(302)
    expect(await stores.users.get('usr_boss')).toMatchObject({ role: 'admin', loginCount: 1 })
    expect((await stores.users.logins('usr_boss')).logins[0]).toMatchObject({
      provider: 'credentials',
      ip: '198.51.100.8',
      userAgent: 'Safari',
    })
    expect((await stores.ledger.balance('usr_boss')).available).toBe(20)

    const session = (await (await send(config, jar, 'session')).json()) as { user: Record<string, unknown> }
    expect(session.user).toMatchObject({ email: 'boss@example.com', id: 'usr_boss', role: 'admin' })
    expect(identityFromSession(session)).toMatchObject({ id: 'usr_boss', role: 'admin' })
  })

  it('database sessions with an adapter: id from the user row, role from the store', async () => {
    const stores = createMemoryStores()
    const sent: string[] = []
    const email: EmailConfig = {
      id: 'email',
      type: 'email',
      name: 'Email',
      sendVerificationRequest: ({ url }) => void sent.push(url),
      options: {},
    }
    const config: AuthConfig = mergeAuthOptions(
      {
        secret,
        trustHost: true,
        basePath: '/api/auth',
        adapter: memoryAdapter(),
        session: { strategy: 'database' },
        providers: [email],
      } satisfies AuthConfig,
      meteredAuth({ metered: createMetered(stores), signupCredits: 3, getRequestInfo: () => null }),
    )
    const jar: Jar = {}
    const csrfToken = await csrf(config, jar)
    await send(config, jar, 'signin/email', { method: 'POST', form: { csrfToken, email: 'ann@example.com' } })
    expect(sent).toHaveLength(1)
    const link = new URL(sent[0] as string)
    const callback = await send(config, jar, `callback/email${link.search}`)
    expect(callback.status).toBe(302)
    expect(await stores.users.get('db_user_1')).toMatchObject({ email: 'ann@example.com', role: 'user', loginCount: 1 })
    expect((await stores.ledger.balance('db_user_1')).available).toBe(3)

    const read = async () =>
      ((await (await send(config, jar, 'session')).json()) as { user: Record<string, unknown> }).user
    expect(await read()).toMatchObject({ email: 'ann@example.com', id: 'db_user_1', role: 'user' })
    await stores.users.setRole('db_user_1', 'admin')
    expect((await read()).role).toBe('admin')
  })

  it('spreads into an Auth.js config (type check)', () => {
    const config: AuthConfig = { providers: [], ...meteredAuth({ metered: createMetered(createMemoryStores()) }) }
    expect(config.callbacks?.jwt).toBeTypeOf('function')
  })
})
