import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { post, setup } from './server-helpers.js'

/** withCredits({ params }): the route's params validated and typed by a schema, before anything is written. */
describe('withCredits params schema', () => {
  const params = z.object({ id: z.string().regex(/^\d+$/).transform(Number) })
  const schema = z.object({ note: z.string() })

  it('hands the handler the parsed params and body, and charges', async () => {
    const t = setup()
    await t.grant('ann', 5)
    const POST = t.metered.withCredits({ feature: 'image', price: 1, params, schema }, async (_req, ctx) =>
      Response.json({ id: ctx.params.id, next: ctx.params.id + 1, note: ctx.body.note }),
    )
    const res = await POST(post({ note: 'n' }, { user: 'ann' }), { params: Promise.resolve({ id: '41' }) })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ id: 41, next: 42, note: 'n' })
    await t.flush()
    expect(await t.available('ann')).toBe(4000)
  })

  it('bad params are a 400 with params.* paths, and nothing is held or charged', async () => {
    const t = setup()
    await t.grant('bob', 5)
    let ran = false
    const POST = t.metered.withCredits({ feature: 'image', price: 1, params, schema }, async () => {
      ran = true
      return new Response()
    })
    const res = await POST(post({ note: 'n' }, { user: 'bob' }), { params: Promise.resolve({ id: 'abc' }) })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ issues: [{ path: 'params.id' }] })
    expect(ran).toBe(false)
    await t.flush()
    expect(await t.available('bob')).toBe(5000)
  })

  it('Next 14 hands params as a plain object: validated all the same', async () => {
    const t = setup()
    await t.grant('cid', 5)
    const GET = t.metered.withCredits({ feature: 'image', price: 1, params }, async (_req, ctx) =>
      Response.json({ id: ctx.params.id }),
    )
    const plain = { params: { id: '7' } } as unknown as { params: Promise<{ id: string }> }
    const res = await GET(new Request('http://localhost/', { headers: { 'x-user': 'cid' } }), plain)
    expect(await res.json()).toEqual({ id: 7 })
  })
})
