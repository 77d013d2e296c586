import { createMetered } from '@metered/core'
import { createPostgresStores, migrate } from '@metered/postgres'
import { freshPostgres } from '@metered/tooling/postgres-fresh'
import { afterAll, describe, expect, it } from 'vitest'
import { meteredAuth } from '../src/auth/index.js'

// meteredAuth over the Postgres user store and ledger: concurrent sign-ins are real concurrent
// transactions here, not interleaved closures.
const postgres = await freshPostgres({ prefix: 'na', migrate })
afterAll(() => postgres.close())

async function stores() {
  return createPostgresStores(postgres.db as never, { schema: await postgres.freshSchema() })
}

const google = { provider: 'google' }

describe('meteredAuth over Postgres', () => {
  it('50 concurrent sign-ins: one profile, 50 logins, the signup bonus once', async () => {
    const s = await stores()
    const errors: unknown[] = []
    const auth = meteredAuth({
      metered: createMetered({ ledger: s.ledger, users: s.users, unitsPerCredit: 1000 }),
      signupCredits: 2.5,
      getRequestInfo: () => ({ ip: '203.0.113.7', userAgent: 'UA' }),
      onError: (e) => errors.push(e),
    })
    const user = { id: 'usr_pg', email: 'pg@example.com', name: 'P G', image: null }
    await Promise.all(Array.from({ length: 50 }, () => auth.events.signIn({ user, account: google })))
    expect(errors).toEqual([])
    expect((await s.ledger.balance('usr_pg')).available).toBe(2500)
    expect((await s.ledger.history('usr_pg')).entries).toHaveLength(1)
    expect((await s.ledger.verify('usr_pg')).ok).toBe(true)
    const profile = await s.users.get('usr_pg')
    expect(profile).toMatchObject({ email: 'pg@example.com', role: 'user', loginCount: 50 })
    const logins = await s.users.logins('usr_pg', { limit: 200 })
    expect(logins.logins).toHaveLength(50)
    expect(logins.logins[0]).toMatchObject({ provider: 'google', ip: '203.0.113.7', userAgent: 'UA' })
  })

  it('20 concurrent first checks of a JWT minted before metered was installed: one profile, no login, the signup credits once, every token stamped', async () => {
    const s = await stores()
    const errors: unknown[] = []
    const auth = meteredAuth({
      metered: createMetered({ ledger: s.ledger, users: s.users, unitsPerCredit: 1000 }),
      signupCredits: 100,
      onError: (e) => errors.push(e),
    })
    // what next-auth decodes from the cookie: its own claims, none of metered's
    const old = { sub: 'usr_old', name: 'Old', email: 'old@example.com', picture: null }
    const tokens = await Promise.all(Array.from({ length: 20 }, () => auth.callbacks.jwt({ token: { ...old } })))
    expect(errors).toEqual([])
    for (const token of tokens) expect(token).toMatchObject({ sub: 'usr_old', id: 'usr_old', role: 'user' })
    expect((await s.ledger.balance('usr_old')).available).toBe(100_000)
    expect((await s.ledger.history('usr_old')).entries).toHaveLength(1)
    expect((await s.ledger.verify('usr_old')).ok).toBe(true)
    expect(await s.users.get('usr_old')).toMatchObject({ email: 'old@example.com', name: 'Old', loginCount: 0 })
    // a stamped token is not adopted again
    expect(await auth.callbacks.jwt({ token: tokens[0] as typeof old })).toEqual(tokens[0])
    expect((await s.ledger.history('usr_old')).entries).toHaveLength(1)
  })

  it('admin emails are promoted and the session shows the stored role', async () => {
    const s = await stores()
    const auth = meteredAuth({ users: s.users, admins: 'Root@Example.com', getRequestInfo: () => null })
    const root = { id: 'usr_root', email: 'root@example.com' }
    await auth.events.signIn({ user: root, account: google })
    expect((await s.users.get('usr_root'))?.role).toBe('admin')
    const session = await auth.callbacks.session({ session: { expires: 'x' }, user: root })
    expect(session.user).toEqual({ id: 'usr_root', role: 'admin' })
  })
})
