import type { MeteredUsage } from '@metered/core'
import { describe, expect, it } from 'vitest'
import { meteredResponsesStream } from '../src/ai/index.js'
import { WARM_UP } from '../src/server/output-allowance.js'
import { noParams, post, setup } from './server-helpers.js'

/**
 * Holds of usage estimates (docs/semantics.md, "Holds of AI calls"): the hold covers the counted
 * prompt and the output the route's recent answers reached; the answer may run to the request's
 * cap, paid from the balance at settle; a call is admitted only when hold + balance cover the
 * worst case, and `fit` lowers the cap to what they afford instead of refusing.
 *
 * gpt-4.1-nano x 1.3, 1000 units a credit: 100 input tokens are 13 units, each output token 0.52.
 */
const MODEL = 'gpt-4.1-nano'
const CAP = 1000
const estimate: MeteredUsage = { model: MODEL, inputTokens: 100, outputTokens: CAP }
const units = (outputTokens: number) => Math.ceil(13 + 0.52 * outputTokens)
const WORST = units(CAP) // 533

type Turn = { output: number }

function route(
  t: ReturnType<typeof setup>,
  options: { hold?: 'learned' | 'worst-case'; fit?: { minOutputTokens: number } } = {},
) {
  const seen: { maxOutputTokens: number | null; fitted: boolean; held: number }[] = []
  let gate: Promise<void> | null = null
  const handler = t.metered.withCredits(
    { feature: 'generate', body: 'json', estimate, ...options },
    async (_req, ctx) => {
      seen.push({ maxOutputTokens: ctx.maxOutputTokens, fitted: ctx.fitted, held: ctx.ticket.amount })
      if (gate) await gate
      const { output } = ctx.body as Turn
      // an honest upstream never answers past the cap it was sent
      ctx.charge({
        usage: { model: MODEL, inputTokens: 100, outputTokens: Math.min(output, ctx.maxOutputTokens ?? CAP) },
      })
      return Response.json({ ok: true })
    },
  )
  return {
    seen,
    hold(until: Promise<void> | null) {
      gate = until
    },
    async turn(user: string, output: number) {
      const res = await handler(post({ output }, { user }), noParams)
      await t.flush()
      return res
    },
  }
}

async function warmUp(r: ReturnType<typeof route>, user: string, output: number) {
  for (let i = 0; i < WARM_UP; i++) expect((await r.turn(user, output)).status).toBe(200)
}

describe('withCredits holds of usage estimates', () => {
  it('holds the worst case until the route has seen answers, then the longest recent answer', async () => {
    const t = setup()
    await t.grant('u1', 100)
    const r = route(t)
    await warmUp(r, 'u1', 200)
    expect(r.seen.map((s) => s.held)).toEqual(Array(WARM_UP).fill(WORST))
    const before = await t.available('u1')
    expect((await r.turn('u1', 200)).status).toBe(200)
    expect(r.seen.at(-1)).toEqual({ maxOutputTokens: CAP, fitted: false, held: units(200) })
    // hold / charge is 1 for an answer as long as the recent ones
    expect(before - (await t.available('u1'))).toBe(units(200))
  })

  it('an answer far longer than the allowance is charged in full from the balance, and raises the next hold', async () => {
    const t = setup()
    await t.grant('u1', 100)
    const r = route(t)
    await warmUp(r, 'u1', 50)
    const before = await t.available('u1')
    expect((await r.turn('u1', 990)).status).toBe(200)
    expect(r.seen.at(-1)?.held).toBe(units(50))
    expect(before - (await t.available('u1'))).toBe(units(990))
    const { events } = await t.stores.usage.list({ account: 'u1', from: 0, to: Date.now() + 60_000 })
    expect(events.every((e) => e.shortfall === 0)).toBe(true)
    expect((await r.turn('u1', 10)).status).toBe(200)
    expect(r.seen.at(-1)?.held).toBe(units(990))
    expect(await t.stores.ledger.verify('u1')).toMatchObject({ ok: true })
  })

  it('refuses (402, nothing spent) a caller whose balance covers the hold but not the worst case', async () => {
    const t = setup()
    await t.grant('rich', 100)
    const r = route(t)
    await warmUp(r, 'rich', 100)
    await t.stores.ledger.grant({ account: 'poor', amount: 300, source: 't', idempotencyKey: 'poor' })
    const res = await r.turn('poor', 100)
    expect(res.status).toBe(402)
    expect(await res.json()).toMatchObject({ code: 'insufficient_credits', available: 0.3, required: WORST / 1000 })
    expect(await t.stores.ledger.balance('poor')).toMatchObject({ available: 300, held: 0 })
    expect((await t.stores.usage.list({ account: 'poor', from: 0, to: Date.now() + 60_000 })).events).toEqual([])
    expect(r.seen).toHaveLength(WARM_UP) // the handler never ran
  })

  it('concurrent turns on one balance: the ledger never goes below zero and what they overran is recorded as shortfall, at most cap - allowance each', async () => {
    const t = setup()
    await t.grant('warm', 100)
    const r = route(t)
    await warmUp(r, 'warm', 100)
    // Enough for one worst case: each turn alone is admitted, and both hold before either settles.
    await t.stores.ledger.grant({ account: 'u1', amount: WORST + units(100), source: 't', idempotencyKey: 'u1' })
    let open!: () => void
    r.hold(new Promise<void>((resolve) => (open = resolve)))
    const turns = [r.turn('u1', CAP), r.turn('u1', CAP)]
    while (r.seen.length < WARM_UP + 2) await new Promise((resolve) => setTimeout(resolve, 5))
    open()
    const statuses = (await Promise.all(turns)).map((res) => res.status)
    expect(statuses).toEqual([200, 200])
    const balance = await t.stores.ledger.balance('u1')
    expect(balance).toMatchObject({ available: 0, held: 0 })
    const { events } = await t.stores.usage.list({ account: 'u1', from: 0, to: Date.now() + 60_000 })
    const charged = events.reduce((sum, e) => sum + e.amount, 0)
    const shortfall = events.reduce((sum, e) => sum + e.shortfall, 0)
    expect(charged).toBe(WORST + units(100)) // everything there was, nothing more
    expect(charged + shortfall).toBe(2 * WORST)
    for (const e of events) expect(e.shortfall).toBeLessThanOrEqual(WORST - units(100))
    expect(await t.stores.ledger.verify('u1')).toMatchObject({ ok: true })
  })

  it("'worst-case' holds the whole estimate on every turn", async () => {
    const t = setup()
    await t.grant('u1', 100)
    const r = route(t, { hold: 'worst-case' })
    await warmUp(r, 'u1', 100)
    await r.turn('u1', 100)
    expect(r.seen.map((s) => s.held)).toEqual(Array(WARM_UP + 1).fill(WORST))
  })
})

describe('withCredits fit mode', () => {
  it('lowers the output cap to what the balance affords, holds its worst case and says so', async () => {
    const t = setup()
    const r = route(t, { fit: { minOutputTokens: 100 } })
    await t.stores.ledger.grant({ account: 'u1', amount: 200, source: 't', idempotencyKey: 'u1' })
    const res = await r.turn('u1', CAP)
    expect(res.status).toBe(200)
    // 200 units buy 100 input tokens and floor((200 - 13) / 0.52) = 359 output tokens
    expect(r.seen.at(-1)).toEqual({ maxOutputTokens: 359, fitted: true, held: units(359) })
    expect(res.headers.get('fitted-output-tokens')).toBe('359')
    expect(await t.stores.ledger.balance('u1')).toMatchObject({ available: 200 - units(359), held: 0 })
    expect(units(360)).toBeGreaterThan(200)
  })

  it('refuses below the floor, and leaves a balance that covers the worst case alone', async () => {
    const t = setup()
    const r = route(t, { fit: { minOutputTokens: 400 } })
    await t.stores.ledger.grant({ account: 'u1', amount: 200, source: 't', idempotencyKey: 'u1' })
    const refused = await r.turn('u1', CAP)
    expect(refused.status).toBe(402)
    expect(await refused.json()).toMatchObject({ required: WORST / 1000 })
    expect(await t.stores.ledger.balance('u1')).toMatchObject({ available: 200, held: 0 })
    await t.grant('u2', 10)
    const res = await r.turn('u2', 300)
    expect(res.status).toBe(200)
    expect(res.headers.get('fitted-output-tokens')).toBeNull()
    expect(r.seen.at(-1)).toEqual({ maxOutputTokens: CAP, fitted: false, held: WORST })
  })

  it('after warm-up: the hold fits but the worst case does not, so the cap is what hold + balance afford', async () => {
    const t = setup()
    await t.grant('warm', 100)
    const r = route(t, { fit: { minOutputTokens: 100 } })
    await warmUp(r, 'warm', 100)
    await t.stores.ledger.grant({ account: 'u1', amount: 300, source: 't', idempotencyKey: 'u1' })
    const res = await r.turn('u1', CAP)
    expect(res.status).toBe(200)
    // 300 units: floor((300 - 13) / 0.52) = 551 output tokens
    expect(r.seen.at(-1)).toEqual({ maxOutputTokens: 551, fitted: true, held: units(100) })
    expect(res.headers.get('fitted-output-tokens')).toBe('551')
    const balance = await t.stores.ledger.balance('u1')
    expect(balance).toMatchObject({ available: 300 - units(551), held: 0 })
    const { events } = await t.stores.usage.list({ account: 'u1', from: 0, to: Date.now() + 60_000 })
    expect(events.map((e) => [e.outputTokens, e.shortfall])).toEqual([[551, 0]])
  })
})

describe('a cut-short stream past the allowance', () => {
  it('aborted one event before the end: the produced output is charged from the balance beyond the hold', async () => {
    const t = setup()
    await t.grant('u1', 100)
    const text = 'word '.repeat(600) // 3000 characters: 750 tokens at 4 characters a token
    const events = [
      { type: 'response.created', response: { model: MODEL } },
      ...(text.match(/.{1,100}/g) ?? []).map((delta) => ({ type: 'response.output_text.delta', delta })),
      { type: 'response.completed', response: { model: MODEL, usage: { input_tokens: 100, output_tokens: 750 } } },
    ]
    let sent = 0
    let cancelled!: () => void
    const stopped = new Promise<void>((resolve) => (cancelled = resolve))
    async function* upstream() {
      for (const event of events) {
        if (sent === events.length - 1) await stopped // the last event does not come before the client leaves
        sent++
        yield event
      }
    }
    const holds: number[] = []
    const handler = t.metered.withCredits({ feature: 'generate', body: 'json', estimate }, async (_req, ctx) => {
      holds.push(ctx.ticket.amount)
      if ((ctx.body as { stream?: boolean }).stream) return meteredResponsesStream(upstream(), ctx)
      ctx.charge({ usage: { model: MODEL, inputTokens: 100, outputTokens: 20 } })
      return Response.json({ ok: true })
    })
    for (let i = 0; i < WARM_UP; i++) {
      expect((await handler(post({}, { user: 'u1' }), noParams)).status).toBe(200)
      await t.flush()
    }
    const before = await t.available('u1')
    const res = await handler(post({ stream: true }, { user: 'u1' }), noParams)
    expect(holds.at(-1)).toBe(units(20))
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    while (sent < events.length - 1) await reader.read()
    await reader.cancel()
    cancelled()
    await t.flush()
    const { events: recorded } = await t.stores.usage.list({ account: 'u1', from: 0, to: Date.now() + 60_000 })
    const aborted = recorded.filter((e) => e.status === 'aborted')
    expect(aborted).toHaveLength(1)
    // Charged for the output produced, far past the 20-token hold: at least the 29 deltas the
    // client surely read (725 tokens), at most all 30 the upstream yielded (750); whether the last
    // one was through the wrapper when the client left depends on the runtime's scheduling.
    const produced = aborted[0]?.outputTokens ?? 0
    expect([725, 750]).toContain(produced)
    expect(aborted[0]).toMatchObject({ inputTokens: 100, shortfall: 0 })
    expect(before - (await t.available('u1'))).toBe(units(produced))
    expect((await t.stores.ledger.balance('u1')).held).toBe(0)
  })
})
