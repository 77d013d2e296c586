import { badAmounts, badIdLengths, badStrings, type Hostile } from '@metered/core/testing'
import { beforeAll, describe, expect, it } from 'vitest'
import { createAdminRoutes, createCreditRoutes, createProfileRoutes } from '../src/routes/index.js'
import type { CatchAllHandlers } from '../src/routes/types.js'
import { call, type MakeStores, routesSetup } from './routes-setup.js'

/**
 * The adversarial input table (`@metered/core/testing`) through every route of the credit,
 * profile and admin handlers: each hostile value is a 400 problem+json and nothing changes.
 * Bodies carry every value JSON can (lone surrogates and NUL arrive as JSON escapes); query
 * strings carry what a URL can (NUL as %00; a lone surrogate cannot be percent-encoded).
 */
export function hostileRoutesSuite(name: string, makeStores: MakeStores) {
  describe(`hostile input over the routes (${name})`, () => {
    let t: Awaited<ReturnType<typeof routesSetup>>
    let credits: CatchAllHandlers
    let profile: CatchAllHandlers
    let admin: CatchAllHandlers
    beforeAll(async () => {
      t = await routesSetup(makeStores)
      credits = createCreditRoutes(t.deps)
      profile = createProfileRoutes(t.deps)
      admin = createAdminRoutes(t.deps)
      await t.stores.ledger.grant({ account: 'alice', amount: 50_000, source: 'purchase', idempotencyKey: 'seed-a' })
      await t.stores.users.recordLogin({ userId: 'alice', provider: 'github' })
      await t.stores.usage.record({ account: 'alice', feature: 'chat', amount: 5, status: 'ok' })
    }, 60_000)

    /** Everything the routes could have changed. */
    async function state() {
      const { ledger, users, usage } = t.stores
      const accounts = ['alice', 'bob', 'root']
      return {
        balances: await Promise.all(accounts.map((a) => ledger.balance(a))),
        history: await Promise.all(accounts.map((a) => ledger.history(a, { limit: 500 }))),
        users: await users.list({ limit: 200 }),
        logins: await users.logins('alice'),
        usage: await usage.list({ account: 'alice', from: 0, to: Date.now() + 86_400_000 }),
      }
    }

    const base = 'hostile-account'
    const strings = [...badStrings(base), ...badIdLengths(base)]
    // What a URL can carry: no lone surrogates; a 1 MB query string is left to the HTTP server's limits.
    const queryStrings = strings.filter((h) => !/[\uD800-\uDFFF]/.test(h.value) && h.value.length < 10_000)
    // What JSON can carry: no bigint; NaN and Infinity become null, -0 stays -0 when written by hand.
    const jsonAmounts = badAmounts.filter((h) => typeof h.value !== 'bigint')

    /** A 400 problem; a body over the routes' 16 KB limit is refused as 413 before it is parsed. */
    async function expect400(res: Response, what: string, bodyBytes = 0) {
      const status = bodyBytes > 16_384 ? 413 : 400
      const type = res.headers.get('content-type') ?? ''
      const text = await res.text()
      expect(res.status, `${what}: ${text.slice(0, 300)}`).toBe(status)
      expect(type, what).toMatch(/^application\/problem\+json/)
      expect(JSON.parse(text), what).toMatchObject({ status })
    }

    /** POST with a JSON body; `-0` written as such (JSON.stringify writes 0). */
    function post(routes: CatchAllHandlers, mount: string, path: string, body: Record<string, unknown>) {
      const raw = JSON.stringify(body, (_k, v) => (Object.is(v, -0) ? '__MINUS_ZERO__' : v)).replace(
        '"__MINUS_ZERO__"',
        '-0',
      )
      return call(routes, 'POST', mount, path, { user: 'root', raw })
    }

    /** GET with route params given as Next would (decoded), so any string can reach the handler. */
    function getParams(routes: CatchAllHandlers, mount: string, segments: string[], query = '') {
      const req = new Request(`http://localhost${mount}/x${query}`, { headers: { 'x-user': 'root' } })
      return routes.GET(req, { params: Promise.resolve({ route: segments }) })
    }

    function postParams(routes: CatchAllHandlers, mount: string, segments: string[], body: unknown) {
      const req = new Request(`http://localhost${mount}/x`, {
        method: 'POST',
        headers: { 'x-user': 'root', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
      return routes.POST(req, { params: Promise.resolve({ route: segments }) })
    }

    it('grant and deduct bodies: every hostile field is a 400 and nothing is written', async () => {
      const before = await state()
      const good = { account: 'alice', credits: 1, reason: 'gift' }
      const cases: Array<[string, Record<string, unknown>]> = []
      for (const h of strings) {
        for (const field of ['account', 'reason', 'idempotencyKey'])
          cases.push([`${field} = ${h.name}`, { [field]: h.value }])
      }
      // 1.5 credits is 1500 units: valid here (credits are decimal).
      for (const h of jsonAmounts.filter((a) => a.name !== '1.5'))
        cases.push([`credits = ${h.name}`, { credits: h.value }])
      for (const h of jsonAmounts) cases.push([`expiresAt = ${h.name}`, { expiresAt: h.value }])
      cases.push(['extra field metadata', { metadata: { a: 1 } }])
      cases.push(['__proto__ field', JSON.parse('{"__proto__": {"credits": 5}}')])
      for (const [what, over] of cases) {
        const grantBody = { ...good, ...over }
        const size = JSON.stringify(grantBody).length
        await expect400(await post(credits, '/api/credits', 'grant', grantBody), `grant ${what}`, size)
        if (!('expiresAt' in over)) {
          await expect400(await post(credits, '/api/credits', 'deduct', grantBody), `deduct ${what}`, size)
        }
      }
      expect(await state()).toEqual(before)
    })

    it('a refused string names the body field it came in', async () => {
      for (const field of ['account', 'reason', 'idempotencyKey']) {
        const res = await post(credits, '/api/credits', 'grant', {
          account: 'alice',
          credits: 1,
          reason: 'gift',
          [field]: 'a\u0000b',
        })
        expect(res.status).toBe(400)
        expect((await res.json()).issues, field).toEqual([{ path: field, message: expect.stringMatching(/NUL/) }])
      }
    })

    it('query strings of every read route: each hostile value is a 400', async () => {
      const before = await state()
      const reads: Array<[CatchAllHandlers, string, string, string]> = []
      for (const h of queryStrings) {
        const v = encodeURIComponent(h.value)
        reads.push(
          [credits, '/api/credits', `balance?account=${v}`, h.name],
          [credits, '/api/credits', `history?account=${v}`, h.name],
          [profile, '/api/profile', `usage?account=${v}`, h.name],
          [profile, '/api/profile', `logins?account=${v}`, h.name],
          [admin, '/api/admin', `usage/export?account=${v}`, h.name],
        )
        if (h.value !== '') {
          reads.push(
            [credits, '/api/credits', `history?cursor=${v}`, h.name],
            [profile, '/api/profile', `logins?cursor=${v}`, h.name],
            [admin, '/api/admin', `users?search=${v}`, h.name],
            [admin, '/api/admin', `users?cursor=${v}`, h.name],
            [admin, '/api/admin', `users/alice/history?cursor=${v}`, h.name],
            [admin, '/api/admin', `users/alice/logins?cursor=${v}`, h.name],
          )
        }
      }
      for (const n of ['NaN', '-1', '1.5', '1e21', '9007199254740993', '0x10']) {
        reads.push(
          [credits, '/api/credits', `history?limit=${n}`, n],
          [profile, '/api/profile', `usage?from=${n}&to=1`, n],
          [admin, '/api/admin', `users?limit=${n}`, n],
        )
      }
      for (const [routes, mount, path, what] of reads) {
        await expect400(await call(routes, 'GET', mount, path, { user: 'root' }), `GET ${mount}/${path} (${what})`)
      }
      expect(await state()).toEqual(before)
    })

    it('admin routes with a hostile user id in the path: 400, nothing written', async () => {
      const before = await state()
      // Next decodes the path, so %00 arrives as NUL; lone surrogates come from a bad decoder.
      const ids: Array<Hostile<string>> = strings.filter((h) => h.value !== '')
      for (const h of ids) {
        for (const tail of [[], ['history'], ['usage'], ['logins']]) {
          const segments = ['users', h.value, ...tail]
          await expect400(await getParams(admin, '/api/admin', segments), `GET users/<${h.name}>/${tail.join('/')}`)
        }
        await expect400(
          await postParams(admin, '/api/admin', ['users', h.value, 'role'], { role: 'admin' }),
          `POST users/<${h.name}>/role`,
        )
      }
      for (const h of strings) {
        await expect400(
          await postParams(admin, '/api/admin', ['users', 'bob', 'role'], { role: h.value }),
          `POST users/bob/role role = ${h.name}`,
          h.value.length,
        )
      }
      expect(await state()).toEqual(before)
    })

    it('well-formed edge ids work through the routes and stay apart', async () => {
      const edge = ['__proto__', 'constructor', 'acct|5', 'acct', 'emoji-😀', 'emoji-😁']
      for (const [i, account] of edge.entries()) {
        const res = await post(credits, '/api/credits', 'grant', {
          account,
          credits: i + 1,
          reason: `edge ${account}`,
          idempotencyKey: `edge-${i}-${name}`,
        })
        expect(res.status, account).toBe(200)
      }
      for (const [i, account] of edge.entries()) {
        const res = await call(credits, 'GET', '/api/credits', `balance?account=${encodeURIComponent(account)}`, {
          user: 'root',
        })
        expect(res.status, account).toBe(200)
        expect((await res.json()).available, account).toBe(i + 1)
      }
    })
  })
}
