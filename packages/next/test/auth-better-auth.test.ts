import { createHash } from 'node:crypto'
import { createMemoryStores, createMetered } from '@metered/core'
import { createPostgresStores, migrate } from '@metered/postgres'
import { freshPostgres } from '@metered/tooling/postgres-fresh'
import { betterAuth } from 'better-auth'
import { memoryAdapter } from 'better-auth/adapters/memory'
import { afterAll, describe, expect, it } from 'vitest'
import type { MeteredBetterAuthOptions } from '../src/auth/index.js'
import { betterAuthIdentify, betterAuthProvider, meteredBetterAuth } from '../src/auth/index.js'

/**
 * The real Better Auth (its fetch handler, `auth.handler(request)`, what `toNextJsHandler(auth)`
 * mounts at /api/auth/[...all]) on its memory adapter, with email and password sign-ups and
 * sign-ins, and metered's stores: memory, and the test Postgres for the concurrent sign-ins.
 */

const origin = 'http://localhost:3000'
const secret = 'test-secret-0123456789abcdef0123456789abcdef'

const postgres = await freshPostgres({ prefix: 'ba', migrate })
afterAll(() => postgres.close())

async function postgresStores() {
  return createPostgresStores(postgres.db as never, { schema: await postgres.freshSchema() })
}

async function fastHash(password: string): Promise<string> {
  return createHash('sha256').update(password).digest('hex')
}

function createAuth(options: MeteredBetterAuthOptions) {
  return betterAuth({
    baseURL: origin,
    secret,
    database: memoryAdapter({ user: [], session: [], account: [], verification: [] }),
    // Better Auth's password option: a fast hash, so 20 sign-ins do not wait on scrypt (2 shared CPUs).
    emailAndPassword: {
      enabled: true,
      password: { hash: fastHash, verify: async ({ hash, password }) => hash === (await fastHash(password)) },
    },
    rateLimit: { enabled: false },
    plugins: [meteredBetterAuth(options)],
  })
}

type Auth = ReturnType<typeof createAuth>

async function post(auth: Auth, path: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return auth.handler(
    new Request(`${origin}/api/auth${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin, ...headers },
      body: JSON.stringify(body),
    }),
  )
}

/** The session cookie a sign-in set, as a browser would send it back. */
function cookieOf(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ')
}

const ann = { email: 'ann@example.com', password: 'correct horse battery', name: 'Ann' }
const browser = { 'x-forwarded-for': '198.51.100.23', 'user-agent': 'Firefox/140' }

describe('meteredBetterAuth: sign-ups and sign-ins through Better Auth', () => {
  it('a sign-up records the profile, the login (method, IP, user agent) and grants the signup credits', async () => {
    const stores = createMemoryStores()
    const errors: unknown[] = []
    const auth = createAuth({
      users: stores.users,
      metered: createMetered({ ledger: stores.ledger }),
      signupCredits: 25,
      onError: (e) => errors.push(e),
    })
    const res = await post(auth, '/sign-up/email', ann, browser)
    expect(res.status).toBe(200)
    const { user } = (await res.json()) as { user: { id: string } }

    expect(await stores.users.get(user.id)).toMatchObject({
      id: user.id,
      email: 'ann@example.com',
      name: 'Ann',
      role: 'user',
      loginCount: 1,
    })
    expect((await stores.users.logins(user.id)).logins).toEqual([
      expect.objectContaining({ userId: user.id, provider: 'email', ip: '198.51.100.23', userAgent: 'Firefox/140' }),
    ])
    expect((await stores.ledger.balance(user.id)).available).toBe(25)
    expect(errors).toEqual([])
  })

  it('an admin email becomes an admin; a wrong password records nothing', async () => {
    const stores = createMemoryStores()
    const auth = createAuth({ users: stores.users, admins: 'Boss@Example.com' })
    const res = await post(auth, '/sign-up/email', { ...ann, email: 'boss@example.com' }, browser)
    const { user } = (await res.json()) as { user: { id: string } }
    expect((await stores.users.get(user.id))?.role).toBe('admin')

    const refused = await post(auth, '/sign-in/email', { email: 'boss@example.com', password: 'wrong password!' })
    expect(refused.status).toBe(401)
    expect(await stores.users.get(user.id)).toMatchObject({ loginCount: 1 })
  })

  it('20 concurrent sign-ins over Postgres: one profile, 21 logins, the signup credits once', async () => {
    const stores = await postgresStores()
    const errors: unknown[] = []
    const auth = createAuth({
      users: stores.users,
      metered: createMetered({ ledger: stores.ledger, unitsPerCredit: 1000 }),
      signupCredits: 2.5,
      onError: (e) => errors.push(e),
    })
    const signUp = await post(auth, '/sign-up/email', ann, browser)
    const { user } = (await signUp.json()) as { user: { id: string } }
    const signIns = await Promise.all(
      Array.from({ length: 20 }, () => post(auth, '/sign-in/email', { email: ann.email, password: ann.password })),
    )
    expect(signIns.map((r) => r.status)).toEqual(Array(20).fill(200))

    expect(errors).toEqual([])
    expect((await stores.ledger.balance(user.id)).available).toBe(2500)
    expect((await stores.ledger.history(user.id)).entries).toHaveLength(1)
    expect((await stores.ledger.verify(user.id)).ok).toBe(true)
    expect(await stores.users.get(user.id)).toMatchObject({ email: 'ann@example.com', loginCount: 21 })
    const { logins } = await stores.users.logins(user.id, { limit: 100 })
    expect(logins).toHaveLength(21)
    expect(logins.every((l) => l.provider === 'email')).toBe(true)
  })

  it('a failing store never fails the sign-in; the error goes to onError', async () => {
    const stores = createMemoryStores()
    const errors: unknown[] = []
    const users = {
      ...stores.users,
      upsert: async () => {
        throw new Error('users down')
      },
    }
    const auth = createAuth({ users, onError: (e) => errors.push(e) })
    const res = await post(auth, '/sign-up/email', ann, browser)
    expect(res.status).toBe(200)
    expect(errors).toEqual([expect.objectContaining({ message: 'users down' })])
  })

  it('refuses a misconfiguration at start-up', () => {
    const { users } = createMemoryStores()
    expect(() => meteredBetterAuth({ users, signupCredits: 5 })).toThrow(/metered/)
  })
})

describe('betterAuthIdentify', () => {
  it('is the session user of the request cookie, and null without one', async () => {
    const stores = createMemoryStores()
    const auth = createAuth({ users: stores.users })
    const signUp = await post(auth, '/sign-up/email', ann, browser)
    const { user } = (await signUp.json()) as { user: { id: string } }
    const identify = betterAuthIdentify(auth)

    const signedIn = new Request(`${origin}/api/generate`, { headers: { cookie: cookieOf(signUp) } })
    expect(await identify(signedIn)).toEqual({ id: user.id, email: 'ann@example.com' })
    expect(await identify(new Request(`${origin}/api/generate`))).toBeNull()
    const forged = new Request(`${origin}/api/generate`, { headers: { cookie: 'better-auth.session_token=forged' } })
    expect(await identify(forged)).toBeNull()
  })
})

describe('betterAuthProvider', () => {
  it('names the sign-in method from the endpoint path', () => {
    expect(betterAuthProvider({ path: '/sign-in/email' })).toBe('email')
    expect(betterAuthProvider({ path: '/sign-up/email' })).toBe('email')
    expect(betterAuthProvider({ path: '/callback/:id', params: { id: 'google' } })).toBe('google')
    expect(betterAuthProvider({ path: '/magic-link/verify' })).toBe('magic-link')
    expect(betterAuthProvider(null)).toBe('unknown')
  })
})
