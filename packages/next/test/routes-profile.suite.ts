import { describe, expect, it } from 'vitest'
import { createProfileRoutes } from '../src/routes/index.js'
import { body, type CallInit, call, type Json, type MakeStores, routesSetup } from './routes-setup.js'

/** The profile routes' tests over any stores (memory and Postgres run them). */
export function profileRoutesSuite(makeStores: MakeStores) {
  const HOUR = 3_600_000
  const DAY = 24 * HOUR
  const T0 = Date.UTC(2026, 10, 1)

  async function setup(overrides: Parameters<typeof routesSetup>[1] = {}) {
    const s = await routesSetup(makeStores, overrides)
    const routes = createProfileRoutes(s.deps)
    const get = (path: string, init?: CallInit) => call(routes, 'GET', '/api/profile', path, init)
    return { ...s, routes, get }
  }

  async function recordUsage(t: Awaited<ReturnType<typeof setup>>, account: string) {
    await t.stores.usage.record({
      account,
      feature: 'generate',
      amount: 390,
      status: 'ok',
      at: T0 + HOUR,
      inputTokens: 10,
      outputTokens: 20,
    })
    await t.stores.usage.record({
      account,
      feature: 'image',
      amount: 5000,
      status: 'ok',
      at: T0 + 2 * HOUR,
      quantity: 1,
    })
    await t.stores.usage.record({ account, feature: 'generate', amount: 10, status: 'error', at: T0 + DAY + HOUR })
  }

  describe('profileRoutes: profile', () => {
    it('GET /api/profile (optional catch-all root) -> { user, balance } in credits', async () => {
      const t = await setup()
      await t.stores.ledger.grant({ account: 'alice', amount: 2500, source: 'signup', idempotencyKey: 'signup:alice' })
      const res = await t.get('', { user: 'alice' })
      expect(res.status).toBe(200)
      expect(res.headers.get('credits-remaining')).toBe('2.5')
      const b = await body(res)
      expect(b.user).toMatchObject({ id: 'alice', email: 'alice@example.com', role: 'user', loginCount: 0 })
      expect(b.balance).toEqual({ available: 2.5, held: 0 })
    })

    it('401 without a session; 404 when the store has no profile; 405 for POST', async () => {
      const t = await setup()
      expect((await t.get('')).status).toBe(401)
      const none = await t.get('', { user: 'stranger' })
      expect(none.status).toBe(404)
      expect((await body(none)).type).toBe('urn:metered:problem:not_found')
      const post = await call(t.routes, 'POST', '/api/profile', '', { user: 'alice', body: {} })
      expect(post.status).toBe(405)
      expect(post.headers.get('allow')).toBe('GET')
      expect((await t.get('settings', { user: 'alice' })).status).toBe(404)
    })

    it('works without Next params (URL fallback), root included', async () => {
      const t = await setup()
      expect((await t.get('', { user: 'alice', noParams: true })).status).toBe(200)
      expect((await t.get('logins', { user: 'alice', noParams: true })).status).toBe(200)
    })
  })

  describe('profileRoutes: logins', () => {
    it('pages the caller’s logins newest first', async () => {
      const t = await setup()
      for (let i = 0; i < 5; i++) {
        await t.stores.users.recordLogin({
          userId: 'alice',
          provider: 'google',
          ip: `10.0.0.${i}`,
          userAgent: 'UA',
          at: T0 + i,
        })
      }
      await t.stores.users.recordLogin({ userId: 'bob', provider: 'google', ip: '10.9.9.9', at: T0 })
      const first = await body(await t.get('logins?limit=3', { user: 'alice' }))
      expect(first.logins.map((l: Json) => l.ip)).toEqual(['10.0.0.4', '10.0.0.3', '10.0.0.2'])
      expect(first.logins[0]).toEqual({
        id: expect.any(String),
        userId: 'alice',
        provider: 'google',
        ip: '10.0.0.4',
        userAgent: 'UA',
        at: T0 + 4,
      })
      const second = await body(
        await t.get(`logins?limit=3&cursor=${encodeURIComponent(first.nextCursor)}`, { user: 'alice' }),
      )
      expect(second.logins.map((l: Json) => l.ip)).toEqual(['10.0.0.1', '10.0.0.0'])
      expect(second.nextCursor).toBeNull()
    })

    it('IDOR: another user’s logins are 403 for users, 200 for admins; bad cursor 400', async () => {
      const t = await setup()
      await t.stores.users.recordLogin({ userId: 'bob', provider: 'google', ip: '10.9.9.9' })
      expect((await t.get('logins?account=bob', { user: 'alice' })).status).toBe(403)
      expect((await t.get('logins?account=bob', { user: 'alice', role: 'admin' })).status).toBe(403)
      const admin = await body(await t.get('logins?account=bob', { user: 'root' }))
      expect(admin.logins).toHaveLength(1)
      expect((await t.get('logins?cursor=zz', { user: 'alice' })).status).toBe(400)
    })
  })

  describe('profileRoutes: usage', () => {
    it('daily stats with amounts in credits', async () => {
      const t = await setup()
      await recordUsage(t, 'alice')
      await recordUsage(t, 'bob')
      const res = await t.get(`usage?from=${T0}&to=${T0 + 3 * DAY}&bucket=day`, { user: 'alice' })
      expect(res.status).toBe(200)
      const b = await body(res)
      expect(b).toMatchObject({ from: T0, to: T0 + 3 * DAY, bucket: 'day' })
      expect(b.buckets.map((x: Json) => [x.start, x.amount, x.events, x.errors])).toEqual([
        [T0, 5.39, 2, 0],
        [T0 + DAY, 0.01, 1, 1],
      ])
      expect(b.totals).toMatchObject({ events: 3, amount: 5.4, inputTokens: 10, outputTokens: 20, quantity: 1 })
    })

    it('hourly buckets split by feature; ISO dates accepted', async () => {
      const t = await setup()
      await recordUsage(t, 'alice')
      const from = new Date(T0).toISOString()
      const to = new Date(T0 + DAY).toISOString()
      const b = await body(await t.get(`usage?from=${from}&to=${to}&bucket=hour&by=feature`, { user: 'alice' }))
      expect(b.buckets.map((x: Json) => [x.start, x.feature, x.amount])).toEqual([
        [T0 + HOUR, 'generate', 0.39],
        [T0 + 2 * HOUR, 'image', 5],
      ])
    })

    it('defaults to the last 30 days by day', async () => {
      const t = await setup()
      await t.stores.usage.record({ account: 'alice', feature: 'generate', amount: 1000, status: 'ok' })
      const b = await body(await t.get('usage', { user: 'alice' }))
      expect(b.bucket).toBe('day')
      expect(b.to - b.from).toBe(30 * DAY)
      expect(b.totals.amount).toBe(1)
    })

    it('400 for from >= to, ranges over the cap, bad bucket, by or dates', async () => {
      const t = await setup()
      const cases: Array<[string, string]> = [
        [`from=${T0 + DAY}&to=${T0}`, 'from'],
        [`from=${T0}&to=${T0}`, 'from'],
        [`from=${T0}&to=${T0 + 32 * DAY}&bucket=hour`, 'to'],
        [`from=${T0}&to=${T0 + 401 * DAY}`, 'to'],
        ['bucket=week', 'bucket'],
        ['by=model', 'by'],
        ['from=yesterday', 'from'],
      ]
      for (const [q, path] of cases) {
        const res = await t.get(`usage?${q}`, { user: 'alice' })
        expect(res.status, q).toBe(400)
        expect(
          (await body(res)).issues.map((i: Json) => i.path),
          q,
        ).toContain(path)
      }
      expect((await t.get(`usage?from=${T0}&to=${T0 + 400 * DAY}`, { user: 'alice' })).status).toBe(200)
    })

    it('IDOR: another account’s usage is 403 for users, 200 for admins', async () => {
      const t = await setup()
      await recordUsage(t, 'bob')
      const q = `from=${T0}&to=${T0 + 3 * DAY}`
      const refused = await t.get(`usage?${q}&account=bob`, { user: 'alice' })
      expect(refused.status).toBe(403)
      expect(JSON.stringify(await body(refused))).not.toContain('5.39')
      expect((await body(await t.get(`usage?${q}&account=bob`, { user: 'root' }))).totals.events).toBe(3)
    })

    it("a user whose id is 'all' reads their own usage, not every account's", async () => {
      const t = await setup()
      await recordUsage(t, 'bob')
      await t.stores.usage.record({ account: 'all', feature: 'generate', amount: 1000, status: 'ok', at: T0 + HOUR })
      const q = `from=${T0}&to=${T0 + 3 * DAY}`
      for (const path of [`usage?${q}`, `usage?${q}&account=all`]) {
        const b = await body(await t.get(path, { user: 'all' }))
        expect(b.totals, path).toMatchObject({ events: 1, amount: 1 })
      }
      // bob's usage stays his: the admin reading 'all' sees only that account too.
      expect((await body(await t.get(`usage?${q}&account=all`, { user: 'root' }))).totals.events).toBe(1)
    })

    it("a signed-in id in anonymous callers' ip: namespace is a 400, their usage unread", async () => {
      const t = await setup()
      await recordUsage(t, 'ip:203.0.113.5')
      const res = await t.get(`usage?from=${T0}&to=${T0 + 3 * DAY}`, { user: 'ip:203.0.113.5' })
      expect(res.status).toBe(400)
      const problem = await body(res)
      expect(problem).toMatchObject({ code: 'invalid_input', issues: [{ path: 'account' }] })
      expect(JSON.stringify(problem)).not.toContain('5.39')
    })

    it('404 without a usage store', async () => {
      const t = await setup({ usage: null })
      expect((await t.get('usage', { user: 'alice' })).status).toBe(404)
    })
  })
}
