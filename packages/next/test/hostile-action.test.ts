import { fixedWindow } from '@metered/core'
import { badAmounts, badCounts, badIdLengths, badMetadata, badStrings } from '@metered/core/testing'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { estimateResponses } from '../src/ai/estimate.js'
import type { ActionResult } from '../src/index.js'
import { setup } from './server-helpers.js'

// The adversarial input table (@metered/core/testing) through what a Server Action takes from the
// client: its argument, read by a schema or by an estimate function, and a <form action>'s FormData.
// React's action protocol carries bigint, NaN, ±Infinity, -0, Map, Set and Date as themselves, so
// they arrive here unchanged. Each hostile value is an `invalid_input` refusal with its issues,
// and no credit, hold, usage event or limiter unit moves.

const rules = { minute: fixedWindow({ limit: 100, window: '1 m' }) }
const as = (user: string) => () => new Request('http://localhost/', { headers: { 'x-user': user } })

/** What an action could have changed for `account` (its limiter key is the account). */
async function state(t: ReturnType<typeof setup>, account: string) {
  return {
    balance: await t.stores.ledger.balance(account),
    history: await t.stores.ledger.history(account),
    usage: await t.stores.usage.list({ account, from: 0, to: Date.now() + 86_400_000 }),
    limit: (await t.limiter.peek(account)).remaining,
  }
}

function expectInvalid(result: ActionResult<unknown>, what: string) {
  expect(result, what).toMatchObject({ ok: false, reason: 'invalid_input' })
  const issues = (result as { issues: unknown[] }).issues
  expect(issues.length, what).toBeGreaterThan(0)
  for (const issue of issues) expect(issue, what).toEqual({ path: expect.any(String), message: expect.any(String) })
}

describe('withCreditsAction: hostile input', () => {
  it('hostile credits read by an estimate function are invalid_input; nothing is held, charged or counted', async () => {
    const t = setup({ rules })
    await t.grant('ann', 100)
    let ran = 0
    const action = t.metered.withCreditsAction(
      { feature: 'image', estimate: (input) => (input as { credits: number }).credits, request: as('ann') },
      () => {
        ran++
      },
    )
    const before = await state(t, 'ann')
    // A credit amount may be 0 or a decimal; the rest of the table is refused.
    for (const h of badAmounts.filter((h) => !['0', '-0', '1.5'].includes(h.name))) {
      expectInvalid(await action({ credits: h.value }), `credits = ${h.name}`)
    }
    await t.flush()
    expect(ran).toBe(0)
    expect(await state(t, 'ann')).toEqual(before)
    expect(before.limit).toBe(100)
    expect(t.errors).toEqual([])
  })

  it('hostile max_output_tokens read by an estimate function are invalid_input and write nothing', async () => {
    const t = setup({ rules })
    await t.grant('bob', 100)
    const action = t.metered.withCreditsAction(
      { feature: 'generate', estimate: (input) => estimateResponses(input as never), request: as('bob') },
      () => 'ran',
    )
    const before = await state(t, 'bob')
    // null means "no limit given": the default applies.
    for (const h of badCounts.filter((h) => h.value !== null)) {
      expectInvalid(
        await action({ model: 'gpt-4.1-nano', max_output_tokens: h.value }),
        `max_output_tokens = ${h.name}`,
      )
    }
    await t.flush()
    expect(await state(t, 'bob')).toEqual(before)
    expect(t.errors).toEqual([])
  })

  it('hostile values for a schema are invalid_input with dotted paths, before anything is written', async () => {
    const t = setup({ rules })
    await t.grant('cid', 100)
    let ran = 0
    const action = t.metered.withCreditsAction(
      {
        feature: 'image',
        price: 1,
        schema: z.object({ n: z.number().int().positive(), tags: z.array(z.string().max(200)).max(10) }),
        request: as('cid'),
      },
      () => {
        ran++
      },
    )
    const before = await state(t, 'cid')
    for (const h of badAmounts) {
      const result = await action({ n: h.value, tags: [] } as never)
      expectInvalid(result, `n = ${h.name}`)
      expect((result as { issues: Array<{ path: string }> }).issues[0]?.path, h.name).toBe('n')
    }
    for (const h of badIdLengths('tag-1').filter((h) => h.value.length > 200)) {
      const result = await action({ n: 1, tags: ['ok', h.value] })
      expectInvalid(result, `tag = ${h.name}`)
      expect((result as { issues: Array<{ path: string }> }).issues[0]?.path, h.name).toBe('tags.1')
    }
    // Not an object at all, or an object no JSON body could be: each one is refused by the schema.
    const notInputs = [null, undefined, 'text', 1n, [1, 2], new Map([['n', 1]]), new Date(0)]
    for (const value of [...notInputs, ...badMetadata().map((h) => h.value)]) {
      expectInvalid(await action(value as never), `input = ${String(value)}`)
    }
    await t.flush()
    expect(ran).toBe(0)
    expect(await state(t, 'cid')).toEqual(before)
    expect(t.errors).toEqual([])
  })

  it('hostile strings that pass the schema reach the handler as given; the call is metered once', async () => {
    const t = setup({ rules })
    await t.grant('dee', 100)
    const seen: string[] = []
    const action = t.metered.withCreditsAction(
      { feature: 'image', price: 1, schema: z.object({ text: z.string() }), request: as('dee') },
      ({ text }) => {
        seen.push(text)
        return text.length
      },
    )
    const strings = badStrings('text-1')
    for (const h of strings) expect(await action({ text: h.value }), h.name).toMatchObject({ ok: true })
    expect(seen).toEqual(strings.map((h) => h.value))
    expect(await t.available('dee')).toBe((100 - strings.length) * 1000)
  })

  it("a form's __proto__ field is data: it cannot give the input a prototype the schema reads", async () => {
    const t = setup({ rules })
    await t.grant('eve', 100)
    let received: unknown
    const action = t.metered.withCreditsAction(
      { feature: 'image', price: 1, schema: z.object({ length: z.coerce.number() }), request: as('eve') },
      (input) => {
        received = input
      },
    )
    const before = await state(t, 'eve')
    const form = new FormData()
    form.append('__proto__', 'a')
    form.append('__proto__', 'b')
    // Without `length`, the input is incomplete; an array prototype would have supplied one.
    expectInvalid(await action(form), 'form with __proto__ twice')
    expect(received).toBeUndefined()
    expect(await state(t, 'eve')).toEqual(before)

    const raw = t.metered.withCreditsAction({ feature: 'image', price: 1, request: as('eve') }, (input) => {
      received = input
    })
    expect(await raw(form)).toMatchObject({ ok: true })
    expect(Object.getPrototypeOf(received)).toBe(Object.prototype)
    expect(Object.getOwnPropertyDescriptor(received, '__proto__')?.value).toEqual(['a', 'b'])
  })
})
