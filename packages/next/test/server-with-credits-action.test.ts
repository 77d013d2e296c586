import { slidingWindow } from '@metered/core'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { z as z3 } from 'zod-v3'
import { setup } from './server-helpers.js'

/**
 * withCreditsAction outside Next: the `request` option stands in for the Server Action's headers
 * (next/headers), everything else is the real wrapper over the memory stores. The same actions
 * run inside a real `next build` + `next start` in tooling/next-matrix (serve.mjs).
 */

const as =
  (user: string | null, headers: Record<string, string> = {}) =>
  () =>
    new Request('http://localhost/', { headers: user ? { 'x-user': user, ...headers } : headers })

describe('withCreditsAction', () => {
  it('charges the fixed price and returns the data with the balance after', async () => {
    const t = setup()
    await t.grant('ann', 10)
    const action = t.metered.withCreditsAction(
      { feature: 'image', price: 2, schema: z.object({ text: z.string().min(1) }), request: as('ann') },
      async (input, ctx) => ({ echoed: input.text, account: ctx.account }),
    )
    expect(await action({ text: 'hi' })).toEqual({ ok: true, data: { echoed: 'hi', account: 'ann' }, available: 8 })
    expect(await t.available('ann')).toBe(8000)
  })

  it('refuses with insufficient_credits in credits, and writes nothing', async () => {
    const t = setup()
    await t.grant('bob', 1)
    let ran = false
    const action = t.metered.withCreditsAction({ feature: 'image', price: 2.5, request: as('bob') }, async () => {
      ran = true
    })
    expect(await action(undefined)).toEqual({
      ok: false,
      reason: 'insufficient_credits',
      available: 1,
      required: 2.5,
      buyUrl: '/buy-credits',
    })
    expect(ran).toBe(false)
    expect(await t.available('bob')).toBe(1000)
  })

  it('releases the hold when the handler throws, and answers internal without the error', async () => {
    const t = setup()
    await t.grant('cid', 5)
    const action = t.metered.withCreditsAction({ feature: 'image', price: 3, request: as('cid') }, async () => {
      throw new Error('secret upstream detail')
    })
    const result = await action(undefined)
    expect(result).toEqual({ ok: false, reason: 'internal' })
    expect(JSON.stringify(result)).not.toContain('secret')
    expect(await t.available('cid')).toBe(5000)
    expect(t.errors).toEqual([expect.objectContaining({ message: 'secret upstream detail' })])
  })

  it('an upstream API error is bad_gateway; in estimate mode what was charged before it stays charged', async () => {
    const t = setup()
    await t.grant('dee', 5)
    const action = t.metered.withCreditsAction(
      { feature: 'image', estimate: 4, request: as('dee') },
      async (_i, ctx) => {
        ctx.charge(1.5)
        throw Object.assign(new Error('503 from the provider'), { status: 503 })
      },
    )
    expect(await action(undefined)).toEqual({ ok: false, reason: 'bad_gateway' })
    expect(await t.available('dee')).toBe(3500)
  })

  it('estimate mode charges what the handler reported, the estimate when it reports nothing', async () => {
    const t = setup()
    await t.grant('eve', 10)
    const reported = t.metered.withCreditsAction(
      { feature: 'image', schema: z.object({ n: z.number() }), estimate: (input) => input.n * 2, request: as('eve') },
      async (_input, ctx) => {
        ctx.charge(0.25)
        return 'done'
      },
    )
    expect(await reported({ n: 2 })).toEqual({ ok: true, data: 'done', available: 9.75 })
    const silent = t.metered.withCreditsAction({ feature: 'image', estimate: 3, request: as('eve') }, async () => 1)
    expect(await silent(undefined)).toMatchObject({ ok: true, available: 6.75 })
  })

  it('refuses invalid input with the issues, before anything is held', async () => {
    const t = setup()
    await t.grant('fay', 5)
    const action = t.metered.withCreditsAction(
      { feature: 'image', price: 1, schema: z.object({ n: z.number().int().max(4) }), request: as('fay') },
      async (input) => input.n,
    )
    // @ts-expect-error the input type comes from the schema
    const result = await action({ n: 'many' })
    expect(result).toMatchObject({ ok: false, reason: 'invalid_input', issues: [{ path: 'n' }] })
    expect(await action({ n: 9 })).toMatchObject({ ok: false, reason: 'invalid_input' })
    expect(await t.available('fay')).toBe(5000)
  })

  it('accepts a zod 3 schema (Standard Schema) and a FormData input', async () => {
    const t = setup()
    await t.grant('gus', 5)
    const action = t.metered.withCreditsAction(
      {
        feature: 'image',
        price: 1,
        schema: z3.object({ n: z3.coerce.number(), tags: z3.array(z3.string()) }),
        request: as('gus'),
      },
      async (input) => ({ n: input.n + 1, tags: input.tags }),
    )
    const form = new FormData()
    form.set('n', '41')
    form.append('tags', 'a')
    form.append('tags', 'b')
    form.set('$ACTION_ID_abc', '')
    expect(await action(form)).toEqual({ ok: true, data: { n: 42, tags: ['a', 'b'] }, available: 4 })
  })

  it('refuses signed-out callers, and rate limits with retryAfter in ms (nothing charged)', async () => {
    const t = setup({ rules: { minute: slidingWindow({ limit: 1, window: '1 m' }) } })
    await t.grant('hal', 5)
    const anonymous = t.metered.withCreditsAction({ feature: 'image', price: 1, request: as(null) }, async () => 1)
    expect(await anonymous(undefined)).toEqual({ ok: false, reason: 'unauthenticated' })

    const action = t.metered.withCreditsAction({ feature: 'image', price: 1, request: as('hal') }, async () => 1)
    expect(await action(undefined)).toMatchObject({ ok: true })
    const limited = await action(undefined)
    expect(limited).toMatchObject({
      ok: false,
      reason: 'rate_limited',
      rules: [{ name: 'minute', limit: 1, remaining: 0 }],
    })
    if (limited.ok || limited.reason !== 'rate_limited') throw new Error('not rate limited')
    expect(limited.retryAfter).toBeGreaterThan(1000)
    expect(limited.retryAfter).toBeLessThanOrEqual(120_000) // a sliding window: up to two windows
    expect(await t.available('hal')).toBe(4000)
  })

  it("anonymous: 'ip' meters a signed-out caller under ip:<address>", async () => {
    const t = setup()
    await t.grant('ip:198.51.100.9', 3)
    const action = t.metered.withCreditsAction(
      { feature: 'image', price: 1, anonymous: 'ip', request: as(null, { 'x-forwarded-for': '198.51.100.9' }) },
      async (_input, ctx) => ({ account: ctx.account, anonymous: ctx.anonymous }),
    )
    expect(await action(undefined)).toEqual({
      ok: true,
      data: { account: 'ip:198.51.100.9', anonymous: true },
      available: 2,
    })
    const noAddress = t.metered.withCreditsAction(
      { feature: 'image', price: 1, anonymous: 'ip', request: as(null) },
      async () => 1,
    )
    expect(await noAddress(undefined)).toEqual({ ok: false, reason: 'unauthenticated' })
  })

  it("lets Next's redirect() through, charged; notFound() through, released", async () => {
    const t = setup()
    await t.grant('ivy', 5)
    const redirect = Object.assign(new Error('NEXT_REDIRECT'), { digest: 'NEXT_REDIRECT;replace;/done;307;' })
    const notFound = Object.assign(new Error('NEXT_HTTP_ERROR_FALLBACK;404'), {
      digest: 'NEXT_HTTP_ERROR_FALLBACK;404',
    })
    const redirecting = t.metered.withCreditsAction({ feature: 'image', price: 1, request: as('ivy') }, async () => {
      throw redirect
    })
    await expect(redirecting(undefined)).rejects.toBe(redirect)
    expect(await t.available('ivy')).toBe(4000)
    const missing = t.metered.withCreditsAction({ feature: 'image', price: 1, request: as('ivy') }, async () => {
      throw notFound
    })
    await expect(missing(undefined)).rejects.toBe(notFound)
    expect(await t.available('ivy')).toBe(4000)
    expect(t.errors).toEqual([])
  })

  it('identify failing is internal, never a throw', async () => {
    const t = setup({
      identify: () => {
        throw new Error('auth down')
      },
    })
    const action = t.metered.withCreditsAction({ feature: 'image', price: 1, request: as('jo') }, async () => 1)
    expect(await action(undefined)).toEqual({ ok: false, reason: 'internal' })
  })

  it('outside a Server Action, without a request option, answers internal (no next/headers scope)', async () => {
    const t = setup()
    const action = t.metered.withCreditsAction({ feature: 'image', price: 1 }, async () => 1)
    expect(await action(undefined)).toEqual({ ok: false, reason: 'internal' })
    expect(t.errors).toHaveLength(1)
  })

  it('requires exactly one of price and estimate', () => {
    const t = setup()
    // @ts-expect-error neither
    expect(() => t.metered.withCreditsAction({ feature: 'image' }, async () => 1)).toThrow(TypeError)
  })
})
