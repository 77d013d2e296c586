import { StoreUnavailableError } from '@metered/core'
import { describe, expect, it } from 'vitest'
import { createCreditRoutes } from '../src/routes/index.js'
import { body, type CallInit, call, type Json, type MakeStores, routesSetup } from './routes-setup.js'

/** The credits routes' tests over any stores (memory and Postgres run them). */
export function creditRoutesSuite(makeStores: MakeStores) {
  async function setup() {
    const s = await routesSetup(makeStores)
    const routes = createCreditRoutes(s.deps)
    const get = (path: string, init?: CallInit) => call(routes, 'GET', '/api/credits', path, init)
    const post = (path: string, init?: CallInit) => call(routes, 'POST', '/api/credits', path, init)
    const grantUnits = (account: string, amount: number, key = `k:${account}:${amount}:${Math.random()}`) =>
      s.stores.ledger.grant({ account, amount, source: 'purchase', idempotencyKey: key })
    const units = async (account: string) => (await s.stores.ledger.balance(account)).available
    const entries = async (account: string) => (await s.stores.ledger.history(account, { limit: 500 })).entries.length
    return { ...s, routes, get, post, grantUnits, units, entries }
  }

  describe('creditRoutes: balance', () => {
    it('returns the caller’s balance in credits with Credits-Remaining', async () => {
      const t = await setup()
      await t.grantUnits('alice', 12_345)
      const res = await t.get('balance', { user: 'alice' })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('application/json')
      expect(res.headers.get('cache-control')).toBe('no-store')
      expect(res.headers.get('credits-remaining')).toBe('12.345')
      const b = await body(res)
      expect(b).toEqual({
        account: 'alice',
        available: 12.345,
        held: 0,
        unitsPerCredit: 1000,
        grants: [{ id: expect.any(String), source: 'purchase', remaining: 12.345, expiresAt: null }],
      })
    })

    it('401 without a session, as problem+json', async () => {
      const t = await setup()
      const res = await t.get('balance')
      expect(res.status).toBe(401)
      expect(await body(res)).toMatchObject({ type: 'urn:metered:problem:unauthenticated', status: 401 })
    })

    it('404 for an unknown route and 405 (with Allow) for a known one with another method', async () => {
      const t = await setup()
      const missing = await t.get('nope', { user: 'alice' })
      expect(missing.status).toBe(404)
      expect((await body(missing)).type).toBe('urn:metered:problem:not_found')
      expect((await t.get('balance/extra', { user: 'alice' })).status).toBe(404)
      expect((await t.get('', { user: 'alice' })).status).toBe(404)
      const wrong = await t.post('balance', { user: 'alice', body: {} })
      expect(wrong.status).toBe(405)
      expect(wrong.headers.get('allow')).toBe('GET')
      expect((await body(wrong)).status).toBe(405)
      const getGrant = await t.get('grant', { user: 'root' })
      expect(getGrant.status).toBe(405)
      expect(getGrant.headers.get('allow')).toBe('POST')
    })

    it('IDOR: a non-admin naming another account gets 403; their own account is fine', async () => {
      const t = await setup()
      await t.grantUnits('bob', 5000)
      const other = await t.get('balance?account=bob', { user: 'alice' })
      expect(other.status).toBe(403)
      expect(JSON.stringify(await body(other))).not.toContain('5')
      // a forged role claim in the session changes nothing: the store says alice is a user
      expect((await t.get('balance?account=bob', { user: 'alice', role: 'admin' })).status).toBe(403)
      expect((await t.get('balance?account=alice', { user: 'alice' })).status).toBe(200)
    })

    it('admins read any account, without Credits-Remaining (it is not their balance)', async () => {
      const t = await setup()
      await t.grantUnits('bob', 5000)
      const res = await t.get('balance?account=bob', { user: 'root' })
      expect(res.status).toBe(200)
      expect(res.headers.get('credits-remaining')).toBeNull()
      expect((await body(res)).available).toBe(5)
    })

    it('400 listing the issue for an invalid account parameter', async () => {
      const t = await setup()
      const res = await t.get(`balance?account=${'x'.repeat(201)}`, { user: 'root' })
      expect(res.status).toBe(400)
      expect((await body(res)).issues).toEqual([{ path: 'account', message: expect.any(String) }])
    })

    it('falls back to the URL path when Next’s params are missing', async () => {
      const t = await setup()
      const res = await t.get('balance', { user: 'alice', noParams: true })
      expect(res.status).toBe(200)
      expect((await body(res)).account).toBe('alice')
    })
  })

  describe('creditRoutes: history', () => {
    it('pages newest first with a cursor, amounts in credits', async () => {
      const t = await setup()
      for (let i = 1; i <= 5; i++) await t.grantUnits('alice', i * 100, `h${i}`)
      await t.stores.ledger.debit({ account: 'alice', amount: 390, reason: 'generate' })
      const seen: unknown[] = []
      let cursor: string | null = null
      let pages = 0
      do {
        const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
        const res = await t.get(`history?limit=4${q}`, { user: 'alice' })
        expect(res.status).toBe(200)
        const page = await body(res)
        seen.push(...page.entries)
        cursor = page.nextCursor
        pages++
      } while (cursor)
      expect(pages).toBe(2)
      expect(seen).toHaveLength(6)
      expect(seen[0]).toEqual({
        id: expect.any(String),
        type: 'debit',
        amount: -0.39,
        reason: 'generate',
        createdAt: expect.any(Number),
      })
      expect(seen.map((e: Json) => e.amount)).toEqual([-0.39, 0.5, 0.4, 0.3, 0.2, 0.1])
      expect(Object.keys(seen[1] as object).sort()).toEqual(['amount', 'createdAt', 'id', 'reason', 'type'])
    })

    it('filters by types', async () => {
      const t = await setup()
      await t.grantUnits('alice', 1000)
      await t.stores.ledger.debit({ account: 'alice', amount: 10, reason: 'x' })
      const page = await body(await t.get('history?types=debit', { user: 'alice' }))
      expect(page.entries.map((e: Json) => e.type)).toEqual(['debit'])
    })

    it('odd query keys (__proto__, constructor, repeats) are harmless; the first value counts', async () => {
      const t = await setup()
      await t.grantUnits('alice', 1000)
      const res = await t.get('history?__proto__=x&constructor=y&limit=1&limit=999&toString=1', { user: 'alice' })
      expect(res.status).toBe(200)
      expect((await body(res)).entries).toHaveLength(1)
      expect((await t.get('balance?account=alice&account=bob', { user: 'alice' })).status).toBe(200)
    })

    it('400 for bad limit, types or cursor', async () => {
      const t = await setup()
      for (const q of ['limit=0', 'limit=501', 'limit=abc', 'types=grant,bogus', 'types=', 'cursor=not-a-cursor']) {
        const res = await t.get(`history?${q}`, { user: 'alice' })
        expect(res.status, q).toBe(400)
        const b = await body(res)
        expect(b.type).toBe('urn:metered:problem:invalid_input')
        expect(b.issues.length, q).toBeGreaterThan(0)
      }
    })

    it('IDOR: another account’s history is 403 for users, 200 for admins', async () => {
      const t = await setup()
      await t.grantUnits('bob', 1000)
      expect((await t.get('history?account=bob', { user: 'alice' })).status).toBe(403)
      const res = await t.get('history?account=bob', { user: 'root' })
      expect(res.status).toBe(200)
      expect((await body(res)).entries).toHaveLength(1)
    })
  })

  describe('creditRoutes: admin grant', () => {
    it('grants exact credits (decimals to units) and answers { ok, grantId, available }', async () => {
      const t = await setup()
      const res = await t.post('grant', {
        user: 'root',
        body: { account: 'alice', credits: 0.39, reason: 'Support refund' },
      })
      expect(res.status).toBe(200)
      expect(await body(res)).toEqual({ ok: true, grantId: expect.any(String), available: 0.39, replayed: false })
      expect(await t.units('alice')).toBe(390)
      const [entry] = (await t.stores.ledger.history('alice')).entries
      expect(entry).toMatchObject({
        type: 'grant',
        amount: 390,
        reason: 'Support refund',
        metadata: { by: 'root', via: 'admin' },
      })
      expect((await t.stores.ledger.verify('alice')).ok).toBe(true)
    })

    it('an idempotency key grants once, even when retried concurrently', async () => {
      const t = await setup()
      const req = { user: 'root', body: { account: 'alice', credits: 10, reason: 'promo', idempotencyKey: 'promo-1' } }
      const results = await Promise.all(Array.from({ length: 10 }, () => t.post('grant', req).then(body)))
      expect(new Set(results.map((r) => r.grantId)).size).toBe(1)
      expect(results.filter((r) => r.replayed === false)).toHaveLength(1)
      expect(await t.units('alice')).toBe(10_000)
      // the same key with other parameters is refused, nothing written
      const conflict = await t.post('grant', { user: 'root', body: { ...req.body, credits: 11 } })
      expect(conflict.status).toBe(400)
      expect((await body(conflict)).issues).toEqual([{ path: 'idempotencyKey', message: expect.any(String) }])
      expect(await t.units('alice')).toBe(10_000)
      // the client's own mistake: answered, not reported as an app error
      expect(t.reported).toEqual([])
    })

    it('without a key every request is its own grant', async () => {
      const t = await setup()
      const req = { user: 'root', body: { account: 'alice', credits: 1, reason: 'gift' } }
      await t.post('grant', req)
      await t.post('grant', req)
      expect(await t.units('alice')).toBe(2000)
    })

    it('expiresAt is kept; a past expiresAt is refused', async () => {
      const t = await setup()
      const expiresAt = Date.now() + 86_400_000
      const ok = await t.post('grant', {
        user: 'root',
        body: { account: 'alice', credits: 1, reason: 'trial', expiresAt },
      })
      expect(ok.status).toBe(200)
      expect((await t.stores.ledger.balance('alice')).grants[0]?.expiresAt).toBe(expiresAt)
      const past = await t.post('grant', {
        user: 'root',
        body: { account: 'alice', credits: 1, reason: 'x', expiresAt: 1000 },
      })
      expect(past.status).toBe(400)
      expect((await body(past)).issues[0].path).toBe('expiresAt')
    })

    it('403 for non-admins (even claiming admin), 401 without a session; nothing written', async () => {
      const t = await setup()
      const req = { body: { account: 'alice', credits: 100, reason: 'free money' } }
      expect((await t.post('grant', { ...req, user: 'alice' })).status).toBe(403)
      const forged = await t.post('grant', { ...req, user: 'alice', role: 'admin' })
      expect(forged.status).toBe(403)
      expect((await body(forged)).type).toBe('urn:metered:problem:forbidden')
      expect((await t.post('grant', req)).status).toBe(401)
      expect(await t.entries('alice')).toBe(0)
    })

    it('400 listing every issue for invalid bodies; nothing written', async () => {
      const t = await setup()
      const cases: Array<[unknown, string[]]> = [
        [{ account: 'alice', credits: 1 }, ['reason']],
        [{ account: 'alice', credits: -1, reason: 'x' }, ['credits']],
        [{ account: 'alice', credits: 0, reason: 'x' }, ['credits']],
        [{ account: 'alice', credits: '5', reason: 'x' }, ['credits']],
        [{ account: '', credits: 1, reason: ' ' }, ['account', 'reason']],
        [{ account: 'alice', credits: 1, reason: 'x', extra: true }, ['']],
        [{ account: 'alice', credits: 0.0004, reason: 'x' }, ['credits']],
        [{ account: 'alice', credits: 1e300, reason: 'x' }, ['credits']],
        [[1, 2], ['']],
        [null, ['']],
      ]
      for (const [input, paths] of cases) {
        const res = await t.post('grant', { user: 'root', body: input })
        expect(res.status, JSON.stringify(input)).toBe(400)
        const b = await body(res)
        expect(b.issues.map((i: Json) => i.path).sort(), JSON.stringify(input)).toEqual(paths)
      }
      expect(await t.entries('alice')).toBe(0)
    })

    it('malformed JSON, an empty body and a non-JSON content type are 400; nothing written', async () => {
      const t = await setup()
      const bad = await t.post('grant', { user: 'root', raw: '{"account":"alice","credits":1,' })
      expect(bad.status).toBe(400)
      expect((await body(bad)).type).toBe('urn:metered:problem:invalid_input')
      expect((await t.post('grant', { user: 'root', raw: '' })).status).toBe(400)
      const form = await t.post('grant', {
        user: 'root',
        raw: JSON.stringify({ account: 'alice', credits: 1, reason: 'x' }),
        headers: { 'content-type': 'text/plain' },
      })
      expect(form.status).toBe(400)
      expect((await body(form)).issues[0].path).toBe('content-type')
      expect(await t.entries('alice')).toBe(0)
    })

    it('oversized bodies are 413 (declared or streamed without a length); nothing written', async () => {
      const t = await setup()
      const big = JSON.stringify({ account: 'alice', credits: 1, reason: 'x', pad: 'y'.repeat(20_000) })
      const declared = await t.post('grant', { user: 'root', raw: big })
      expect(declared.status).toBe(413)
      expect((await body(declared)).type).toBe('urn:metered:problem:payload_too_large')
      const bytes = new TextEncoder().encode(big)
      const stream = new ReadableStream<Uint8Array>({
        start(c) {
          for (let i = 0; i < bytes.length; i += 1000) c.enqueue(bytes.slice(i, i + 1000))
          c.close()
        },
      })
      expect((await t.post('grant', { user: 'root', raw: stream })).status).toBe(413)
      expect(await t.entries('alice')).toBe(0)
    })

    it('the body limit is configurable', async () => {
      const s = await routesSetup(makeStores)
      const routes = createCreditRoutes(s.deps, { maxBodyBytes: 40 })
      const res = await call(routes, 'POST', '/api/credits', 'grant', {
        user: 'root',
        body: { account: 'alice', credits: 1, reason: 'a reason long enough' },
      })
      expect(res.status).toBe(413)
    })
  })

  describe('creditRoutes: admin deduct', () => {
    it('deducts exactly and answers { ok, available }', async () => {
      const t = await setup()
      await t.grantUnits('alice', 5000)
      const res = await t.post('deduct', { user: 'root', body: { account: 'alice', credits: 1.25, reason: 'abuse' } })
      expect(res.status).toBe(200)
      expect(await body(res)).toEqual({ ok: true, available: 3.75, replayed: false })
      expect(await t.units('alice')).toBe(3750)
      expect((await t.stores.ledger.verify('alice')).ok).toBe(true)
    })

    it('beyond the balance: 402 with available, required and buyUrl; nothing written', async () => {
      const t = await setup()
      await t.grantUnits('alice', 1000)
      const before = await t.entries('alice')
      const res = await t.post('deduct', { user: 'root', body: { account: 'alice', credits: 1.001, reason: 'x' } })
      expect(res.status).toBe(402)
      expect(await body(res)).toMatchObject({
        type: 'urn:metered:problem:insufficient_credits',
        available: 1,
        required: 1.001,
        buyUrl: '/buy-credits',
      })
      expect(await t.units('alice')).toBe(1000)
      expect(await t.entries('alice')).toBe(before)
    })

    it('an idempotency key deducts once', async () => {
      const t = await setup()
      await t.grantUnits('alice', 5000)
      const req = { user: 'root', body: { account: 'alice', credits: 1, reason: 'x', idempotencyKey: 'd1' } }
      const [a, b] = await Promise.all([t.post('deduct', req).then(body), t.post('deduct', req).then(body)])
      expect([a.replayed, b.replayed].sort()).toEqual([false, true])
      expect(await t.units('alice')).toBe(4000)
    })

    it('403 for non-admins; nothing written', async () => {
      const t = await setup()
      await t.grantUnits('bob', 5000)
      expect(
        (await t.post('deduct', { user: 'alice', body: { account: 'bob', credits: 5, reason: 'x' } })).status,
      ).toBe(403)
      expect(await t.units('bob')).toBe(5000)
    })

    it('a demoted admin is refused at once (the role is read from the store every time)', async () => {
      const t = await setup()
      await t.grantUnits('alice', 5000)
      const req = { user: 'root', body: { account: 'alice', credits: 1, reason: 'x' } }
      expect((await t.post('deduct', req)).status).toBe(200)
      await t.stores.users.setRole('root', 'user')
      expect((await t.post('deduct', req)).status).toBe(403)
      expect(await t.units('alice')).toBe(4000)
    })
  })

  describe('creditRoutes: failures', () => {
    it('a store outage is 503 and an unexpected error 500, neither leaking the error', async () => {
      const s = await routesSetup(makeStores)
      let fail: Error = new StoreUnavailableError('connect ECONNREFUSED 10.0.0.7:5432')
      const ledger = { ...s.stores.ledger, balance: async () => Promise.reject(fail) }
      const t = await routesSetup(makeStores, { ledger })
      const routes = createCreditRoutes(t.deps)
      const down = await call(routes, 'GET', '/api/credits', 'balance', { user: 'alice' })
      expect(down.status).toBe(503)
      expect(JSON.stringify(await body(down))).not.toContain('ECONNREFUSED')
      fail = new Error('relation "metered.grants" does not exist')
      const boom = await call(routes, 'GET', '/api/credits', 'balance', { user: 'alice' })
      expect(boom.status).toBe(500)
      const text = JSON.stringify(await body(boom))
      expect(text).not.toContain('relation')
      expect(text).not.toContain('stack')
      expect(t.reported).toHaveLength(2)
    })

    it('identify throwing is a 500 without detail', async () => {
      const s = await routesSetup(makeStores)
      const routes = createCreditRoutes({
        ...s.deps,
        identify: () => {
          throw new Error('JWT secret mismatch')
        },
      })
      const res = await call(routes, 'GET', '/api/credits', 'balance', { user: 'alice' })
      expect(res.status).toBe(500)
      expect(JSON.stringify(await body(res))).not.toContain('secret')
    })
  })
}
