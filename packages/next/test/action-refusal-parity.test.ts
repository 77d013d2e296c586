import { tokenBucket } from '@metered/core'
import { PROBLEMS } from '@metered/core/http'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { noParams, post, setup } from './server-helpers.js'

// A Server Action refusal and the problem a route answers for the same refusal carry the same
// members in the same units; only durations follow the TypeScript rule (`retryAfter` in ms, the
// wire's `retryAfterMs`).

describe('withCreditsAction refusals match the HTTP problems', () => {
  it('insufficient_credits: the same amounts in credits and the same buyUrl', async () => {
    const t = setup()
    await t.grant('ann', 1.25)
    const route = t.metered.withCredits({ feature: 'image', price: 2.5 }, () => new Response('ok'))
    const action = t.metered.withCreditsAction(
      { feature: 'image', price: 2.5, request: () => post({}, { user: 'ann' }) },
      () => 1,
    )
    const res = await route(post({}, { user: 'ann' }), noParams)
    expect(res.status).toBe(PROBLEMS.insufficient_credits.status)
    const { available, required, buyUrl, code } = await res.json()
    expect(await action(undefined)).toEqual({ ok: false, reason: code, available, required, buyUrl })
    expect(available).toBe(1.25)
  })

  it('rate_limited: the same rules, retryAfter in ms as retryAfterMs', async () => {
    const t = setup({ rules: { minute: tokenBucket({ capacity: 1, refillEvery: '1 h' }) } })
    await t.grant('bob', 10)
    const route = t.metered.withCredits({ feature: 'image', price: 1 }, () => new Response('ok'))
    const action = t.metered.withCreditsAction(
      { feature: 'image', price: 1, request: () => post({}, { user: 'bob' }) },
      () => 1,
    )
    expect((await route(post({}, { user: 'bob' }), noParams)).status).toBe(200)
    const res = await route(post({}, { user: 'bob' }), noParams)
    expect(res.status).toBe(PROBLEMS.rate_limited.status)
    const problem = await res.json()
    const refusal = await action(undefined)
    if (refusal.ok || refusal.reason !== 'rate_limited') throw new Error(`not rate limited: ${JSON.stringify(refusal)}`)
    expect(refusal.reason).toBe(problem.code)
    expect(refusal.rules).toEqual(problem.rules)
    expect(Object.keys(refusal).sort()).toEqual(['ok', 'reason', 'retryAfter', 'rules'])
    // Same window end, read a few ms apart.
    expect(Math.abs(refusal.retryAfter - problem.retryAfterMs)).toBeLessThan(1000)
    expect(refusal.retryAfter).toBeGreaterThan(1000)
    expect(await t.available('bob')).toBe(9000)
  })

  it('invalid_input: the same issue paths and messages', async () => {
    const t = setup()
    await t.grant('cid', 10)
    const schema = z.object({ items: z.array(z.object({ n: z.number().int() })) })
    const route = t.metered.withCredits({ feature: 'image', price: 1, schema }, () => new Response('ok'))
    const action = t.metered.withCreditsAction(
      { feature: 'image', price: 1, schema, request: () => post({}, { user: 'cid' }) },
      () => 1,
    )
    const bad = { items: [{ n: 1 }, { n: 1.5 }] }
    const res = await route(post(bad, { user: 'cid' }), noParams)
    expect(res.status).toBe(PROBLEMS.invalid_input.status)
    const { issues, code } = await res.json()
    expect(issues).toEqual([expect.objectContaining({ path: 'items.1.n' })])
    expect(await action(bad)).toEqual({ ok: false, reason: code, issues })
    expect(await t.available('cid')).toBe(10_000)
  })
})
