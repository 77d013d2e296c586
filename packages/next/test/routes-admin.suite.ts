import { describe, expect, it } from 'vitest'
import { createAdminRoutes, createCreditRoutes } from '../src/routes/index.js'
import { body, type CallInit, call, type Json, type MakeStores, routesSetup } from './routes-setup.js'

/** The admin routes' tests over any stores (memory and Postgres run them). */
export function adminRoutesSuite(makeStores: MakeStores) {
  async function setup() {
    const s = await routesSetup(makeStores)
    const routes = createAdminRoutes(s.deps)
    const get = (path: string, init?: CallInit) => call(routes, 'GET', '/api/admin', path, init)
    const post = (path: string, init?: CallInit) => call(routes, 'POST', '/api/admin', path, init)
    return { ...s, routes, get, post }
  }

  describe('adminRoutes: access', () => {
    it('401 without a session, 403 for users (even claiming admin) on every route', async () => {
      const t = await setup()
      const paths: Array<['GET' | 'POST', string]> = [
        ['GET', 'users'],
        ['GET', 'users/bob'],
        ['POST', 'users/bob/role'],
        ['GET', 'users/bob/history'],
        ['GET', 'users/bob/usage'],
        ['GET', 'users/bob/logins'],
        ['GET', 'usage/export'],
      ]
      for (const [method, path] of paths) {
        const init = method === 'POST' ? { body: { role: 'admin' } } : {}
        expect((await call(t.routes, method, '/api/admin', path, init)).status, path).toBe(401)
        expect((await call(t.routes, method, '/api/admin', path, { ...init, user: 'alice' })).status, path).toBe(403)
        const forged = await call(t.routes, method, '/api/admin', path, { ...init, user: 'alice', role: 'admin' })
        expect(forged.status, path).toBe(403)
      }
      expect((await t.stores.users.get('bob'))?.role).toBe('user')
    })

    it('404 for unknown routes, 405 for the wrong method', async () => {
      const t = await setup()
      expect((await t.get('', { user: 'root' })).status).toBe(404)
      expect((await t.get('groups', { user: 'root' })).status).toBe(404)
      expect((await t.get('users/bob/secrets', { user: 'root' })).status).toBe(404)
      const wrong = await t.get('users/bob/role', { user: 'root' })
      expect(wrong.status).toBe(405)
      expect(wrong.headers.get('allow')).toBe('POST')
      expect((await t.post('users', { user: 'root', body: {} })).status).toBe(405)
    })

    it('without a user store nobody is an admin', async () => {
      const s = await routesSetup(makeStores, { users: null })
      const res = await call(createAdminRoutes(s.deps), 'GET', '/api/admin', 'users', { user: 'root', role: 'admin' })
      expect(res.status).toBe(403)
    })
  })

  describe('adminRoutes: usage export', () => {
    it('streams the usage log as CSV (amounts in credits) or NDJSON, per account or all', async () => {
      const t = await setup()
      const usage = t.stores.usage
      const at = Date.now() - 60_000
      await usage.record({ account: 'bob', feature: 'generate', amount: 390, status: 'ok', at, model: 'gpt-4.1-nano' })
      await usage.record({ account: 'alice', feature: 'image', amount: 54_600, status: 'ok', at: at + 1 })
      const csv = await t.get(`usage/export?from=${at}&to=${at + 10}`, { user: 'root' })
      expect(csv.status).toBe(200)
      expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8')
      expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="usage-all-.*\.csv"$/)
      const rows = (await csv.text()).trim().split('\r\n')
      expect(rows).toHaveLength(3)
      expect(rows[1]).toContain(',bob,,generate,ok,0.39,0,gpt-4.1-nano,')
      expect(rows[2]).toContain(',alice,,image,ok,54.6,')
      const nd = await t.get(`usage/export?account=bob&format=ndjson&from=${at}&to=${at + 10}`, { user: 'root' })
      expect(nd.headers.get('content-type')).toBe('application/x-ndjson')
      const lines = (await nd.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatchObject({ account: 'bob', amount: 0.39 })
    })

    it("?account=all exports the account named 'all'; every account needs no account at all", async () => {
      const t = await setup()
      const at = Date.now() - 60_000
      await t.stores.usage.record({ account: 'all', feature: 'generate', amount: 1000, status: 'ok', at })
      await t.stores.usage.record({ account: 'bob', feature: 'generate', amount: 2000, status: 'ok', at: at + 1 })
      const one = await t.get(`usage/export?account=all&format=ndjson&from=${at}&to=${at + 10}`, { user: 'root' })
      expect(one.headers.get('content-disposition')).toMatch(/filename="usage-account-/)
      const lines = (await one.text()).trim().split('\n')
      expect(lines.map((l) => JSON.parse(l).account)).toEqual(['all'])
      const every = await t.get(`usage/export?format=ndjson&from=${at}&to=${at + 10}`, { user: 'root' })
      const accounts = (await every.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).account)
      expect(accounts).toEqual(['all', 'bob'])
    })

    it('400 for a bad format or range, nothing streamed', async () => {
      const t = await setup()
      const bad = await t.get('usage/export?format=xml', { user: 'root' })
      expect(bad.status).toBe(400)
      expect(bad.headers.get('content-type')).toBe('application/problem+json')
      expect((await t.get('usage/export?from=2000&to=1000', { user: 'root' })).status).toBe(400)
    })
  })

  describe('adminRoutes: users', () => {
    it('lists newest first, searches, and pages with a cursor', async () => {
      const t = await setup()
      for (let i = 0; i < 5; i++) {
        await t.stores.users.upsert({ id: `u${i}`, email: `user${i}@corp.test` })
      }
      const all = await body(await t.get('users', { user: 'root' }))
      expect(all.users).toHaveLength(8)
      expect(all.nextCursor).toBeNull()
      const found = await body(await t.get('users?search=CORP.TEST&limit=2', { user: 'root' }))
      expect(found.users).toHaveLength(2)
      const rest = await body(
        await t.get(`users?search=corp.test&limit=2&cursor=${encodeURIComponent(found.nextCursor)}`, { user: 'root' }),
      )
      const last = await body(
        await t.get(`users?search=corp.test&limit=2&cursor=${encodeURIComponent(rest.nextCursor)}`, { user: 'root' }),
      )
      const ids = [...found.users, ...rest.users, ...last.users].map((u: Json) => u.id)
      expect(ids.sort()).toEqual(['u0', 'u1', 'u2', 'u3', 'u4'])
      expect(last.nextCursor).toBeNull()
    })

    it('400 for bad list parameters', async () => {
      const t = await setup()
      expect((await t.get('users?limit=201', { user: 'root' })).status).toBe(400)
      expect((await t.get(`users?search=${'s'.repeat(201)}`, { user: 'root' })).status).toBe(400)
      expect((await t.get('users?cursor=%21%21', { user: 'root' })).status).toBe(400)
    })

    it('shows a user with their balance; 404 for an unknown user', async () => {
      const t = await setup()
      await t.stores.ledger.grant({ account: 'bob', amount: 1500, source: 'purchase', idempotencyKey: 'b1' })
      const b = await body(await t.get('users/bob', { user: 'root' }))
      expect(b.user).toMatchObject({ id: 'bob', email: 'bob@example.com', role: 'user' })
      expect(b.balance).toMatchObject({ account: 'bob', available: 1.5, held: 0, unitsPerCredit: 1000 })
      const missing = await t.get('users/nobody', { user: 'root' })
      expect(missing.status).toBe(404)
    })

    it('sets a role; the promoted user becomes an admin at once, the demoted one stops being one', async () => {
      const t = await setup()
      const credits = createCreditRoutes(t.deps)
      const grant = { account: 'bob', credits: 1, reason: 'x' }
      expect((await call(credits, 'POST', '/api/credits', 'grant', { user: 'alice', body: grant })).status).toBe(403)
      const res = await t.post('users/alice/role', { user: 'root', body: { role: 'admin' } })
      expect(res.status).toBe(200)
      expect((await body(res)).user).toMatchObject({ id: 'alice', role: 'admin' })
      expect((await call(credits, 'POST', '/api/credits', 'grant', { user: 'alice', body: grant })).status).toBe(200)
      await t.post('users/alice/role', { user: 'root', body: { role: 'user' } })
      expect((await t.get('users', { user: 'alice' })).status).toBe(403)
    })

    it('role: 400 for invalid bodies, 404 for an unknown user, 413 for huge bodies', async () => {
      const t = await setup()
      for (const b of [{ role: 'owner' }, {}, { role: 'admin', extra: 1 }]) {
        const res = await t.post('users/bob/role', { user: 'root', body: b })
        expect(res.status, JSON.stringify(b)).toBe(400)
      }
      expect((await t.post('users/bob/role', { user: 'root', raw: '{role:' })).status).toBe(400)
      expect((await t.post('users/ghost/role', { user: 'root', body: { role: 'admin' } })).status).toBe(404)
      // every refusal above is the client's own doing: answered, never reported as an app error
      expect(t.reported).toEqual([])
      expect(
        (await t.post('users/bob/role', { user: 'root', raw: `{"role":"admin","x":"${'y'.repeat(20_000)}"}` })).status,
      ).toBe(413)
      expect((await t.stores.users.get('bob'))?.role).toBe('user')
    })

    it('a user’s history, usage and logins', async () => {
      const t = await setup()
      await t.stores.ledger.grant({ account: 'bob', amount: 1000, source: 'purchase', idempotencyKey: 'b1' })
      await t.stores.ledger.debit({ account: 'bob', amount: 250, reason: 'generate' })
      await t.stores.usage.record({ account: 'bob', feature: 'generate', amount: 250, status: 'ok' })
      await t.stores.users.recordLogin({ userId: 'bob', provider: 'google', ip: '1.2.3.4' })

      const history = await body(await t.get('users/bob/history?limit=1', { user: 'root' }))
      expect(history.entries).toEqual([
        { id: expect.any(String), type: 'debit', amount: -0.25, reason: 'generate', createdAt: expect.any(Number) },
      ])
      expect(history.nextCursor).toEqual(expect.any(String))
      const next = await body(await t.get(`users/bob/history?cursor=${history.nextCursor}`, { user: 'root' }))
      expect(next.entries.map((e: Json) => e.amount)).toEqual([1])

      const usage = await body(await t.get('users/bob/usage?bucket=hour', { user: 'root' }))
      expect(usage.totals).toMatchObject({ events: 1, amount: 0.25 })
      expect((await t.get('users/bob/usage?bucket=year', { user: 'root' })).status).toBe(400)

      const logins = await body(await t.get('users/bob/logins', { user: 'root' }))
      expect(logins.logins.map((l: Json) => l.ip)).toEqual(['1.2.3.4'])
    })

    it('user ids in the path are URL-decoded', async () => {
      const t = await setup()
      await t.stores.users.upsert({ id: 'google|123 45' })
      const res = await call(t.routes, 'GET', '/api/admin', 'users/google%7C123%2045', { user: 'root', noParams: true })
      expect(res.status).toBe(200)
      expect((await body(res)).user.id).toBe('google|123 45')
    })
  })
}
