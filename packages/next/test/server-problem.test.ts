import { IdempotencyConflictError, NotFoundError, StoreTimeoutError, ValidationError } from '@metered/core'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createProblems, errorProblem, invalidInput, problem, rateLimited, validationProblem } from '../src/index.js'
import { createPolicyFormatter, formatRateLimit } from '../src/server/headers.js'

describe('problem+json', () => {
  it('has the contract shape, media type and no-store', async () => {
    const res = problem('forbidden')
    expect(res.status).toBe(403)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(await res.json()).toEqual({
      type: 'urn:metered:problem:forbidden',
      title: 'Forbidden',
      status: 403,
      detail: 'You are not allowed to do this.',
      code: 'forbidden',
    })
  })

  it('extensions cannot overwrite type/title/status/code', async () => {
    const res = problem('not_found', { extensions: { status: 200, type: 'x', code: 'forbidden', extra: 1 } })
    expect(await res.json()).toMatchObject({
      status: 404,
      type: 'urn:metered:problem:not_found',
      code: 'not_found',
      extra: 1,
    })
  })

  it('createProblems puts the configured type base in front of every code', async () => {
    const problems = createProblems('https://example.com/problems/')
    expect(await problems.notFound().json()).toMatchObject({ type: 'https://example.com/problems/not_found' })
    expect(await problems.rateLimited({ retryAfter: 1_500, rules: [] }).json()).toMatchObject({
      type: 'https://example.com/problems/rate_limited',
      code: 'rate_limited',
    })
  })

  it('rateLimited takes ms: the body says retryAfterMs, Retry-After whole seconds rounded up', async () => {
    const res = rateLimited({ retryAfter: 1_500, rules: [{ name: 'minute', limit: 3, remaining: 0, reset: 9 }] })
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('2')
    expect(await res.json()).toMatchObject({
      retryAfterMs: 1_500,
      rules: [{ name: 'minute', limit: 3, remaining: 0, reset: 9 }],
    })
    expect(rateLimited({ retryAfter: 10, rules: [] }).headers.get('retry-after')).toBe('1')
  })

  it('validationProblem: zod errors and core ValidationError -> 400 issues; anything else -> null', async () => {
    const zodError = z.object({ a: z.string(), b: z.array(z.number()) }).safeParse({ a: 1, b: ['x'] }).error
    const fromZod = validationProblem(zodError)!
    expect(fromZod.status).toBe(400)
    expect((await fromZod.json()).issues).toEqual([
      { path: 'a', message: expect.any(String) },
      { path: 'b.0', message: expect.any(String) },
    ])
    const fromCore = validationProblem(new ValidationError([{ path: 'credits', message: 'must be positive' }]))!
    expect((await fromCore.json()).issues).toEqual([{ path: 'credits', message: 'must be positive' }])
    expect(validationProblem(new Error('x'))).toBeNull()
    expect((await invalidInput([{ path: ['x', 0], message: 'bad' }]).json()).issues).toEqual([
      { path: 'x.0', message: 'bad' },
    ])
  })

  it('errorProblem maps without leaking, and reports the original error', async () => {
    const seen: unknown[] = []
    const onError = (e: unknown) => seen.push(e)
    const cases: Array<[unknown, boolean, number]> = [
      [new StoreTimeoutError(200), false, 503],
      [new NotFoundError('grant g_secret'), false, 404],
      [new ValidationError([{ path: 'feature', message: 'no pricer configured for "secret"' }]), false, 500],
      [new ValidationError([{ path: 'credits', message: 'must be positive' }]), true, 400],
      [new IdempotencyConflictError('key-secret'), true, 400],
      [new IdempotencyConflictError('key-secret'), false, 500],
      [new Error('SELECT secret FROM t'), false, 500],
      ['a string secret', false, 500],
    ]
    for (const [error, clientInput, status] of cases) {
      const res = errorProblem(error, { clientInput, onError })
      expect(res.status).toBe(status)
      const text = await res.text()
      if (status !== 400) expect(text).not.toMatch(/secret/)
    }
    expect(seen.length).toBeGreaterThanOrEqual(6)
    // a throwing logger changes nothing
    expect(
      errorProblem(new Error('x'), {
        onError: () => {
          throw new Error('logger down')
        },
      }).status,
    ).toBe(500)
  })
})

describe('errorProblem with clientInput', () => {
  it("answers the client's own mistakes without reporting them; everything else is reported", () => {
    const seen: unknown[] = []
    const onError = (e: unknown) => seen.push(e)
    // what a route's client caused: an id that does not exist, a key reused with other parameters, bad input
    const clients = [
      new NotFoundError('user ghost'),
      new IdempotencyConflictError('k'),
      new ValidationError([{ path: 'cursor', message: 'is not a cursor' }]),
    ]
    expect(clients.map((e) => errorProblem(e, { clientInput: true, onError }).status)).toEqual([404, 400, 400])
    expect(seen).toEqual([])
    // the app's or the store's: reported
    const apps = [new StoreTimeoutError(200), new Error('bug')]
    expect(apps.map((e) => errorProblem(e, { clientInput: true, onError }).status)).toEqual([503, 500])
    expect(seen).toEqual(apps)
    // without clientInput nothing is the client's: a not-found from the app's own code is reported
    seen.length = 0
    expect(errorProblem(clients[0], { onError }).status).toBe(404)
    expect(seen).toEqual([clients[0]])
  })
})

describe('header fields', () => {
  it('RateLimit-Policy from rules (token bucket w = full refill time), cached per rules object', () => {
    const format = createPolicyFormatter()
    const rules = {
      burst: { kind: 'token_bucket' as const, limit: 10, windowMs: 1000, refillAmount: 1 },
      minute: { kind: 'sliding_window' as const, limit: 60, windowMs: 60_000, refillAmount: 0 },
      'we"ird': { kind: 'fixed_window' as const, limit: 5, windowMs: 500, refillAmount: 0 },
    }
    expect(format(rules)).toBe('"burst";q=10;w=10, "minute";q=60;w=60, "we\\"ird";q=5;w=1')
    expect(format(rules)).toBe(format(rules))
    expect(format(rules, ['minute'])).toBe('"minute";q=60;w=60')
  })

  it('RateLimit names the tightest rule', () => {
    const now = 1_000_000
    const rule = (name: string, remaining: number, resetIn: number) => ({
      name,
      limit: 100,
      remaining,
      reset: now + resetIn,
      retryAfter: 0,
      ok: true,
    })
    const value = formatRateLimit(
      {
        ok: true,
        limit: 100,
        remaining: 3,
        reset: now,
        retryAfter: 0,
        rules: [rule('day', 50, 86_400_000), rule('minute', 3, 41_200)],
      },
      now,
    )
    expect(value).toBe('"minute";r=3;t=42')
  })
})
