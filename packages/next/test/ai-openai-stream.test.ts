import type OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { estimateChatCompletions, estimateResponses } from '../src/ai/index.js'
import { meteredChatCompletionsStream, meteredResponsesStream } from '../src/index.js'
import type { AbortPolicy } from '../src/server/types.js'
import { type FakeOpenAI, parseSse, startFakeOpenAI } from './ai-fake-openai.js'
import { noParams, post, setup } from './server-helpers.js'

let fake: FakeOpenAI
let openai: OpenAI

beforeAll(async () => {
  fake = await startFakeOpenAI()
  openai = fake.client()
})
afterAll(() => fake.close())

type TurnBody = { input: Array<{ role: string; content: string }>; max_output_tokens?: number }

/** The starter's turn_response route, metered. */
function turnResponse(t: ReturnType<typeof setup>, onAbort?: AbortPolicy) {
  return t.metered.withCredits(
    {
      feature: 'generate',
      body: 'json',
      estimate: (_req, { body }) =>
        estimateResponses(body as TurnBody, { model: 'gpt-4.1-nano', maxOutputTokens: 2048 }),
      ...(onAbort ? { onAbort } : {}),
    },
    async (_req, ctx) => {
      const body = ctx.body as TurnBody
      const events = await openai.responses.create(
        { model: 'gpt-4.1-nano', input: body.input as never, stream: true },
        { signal: ctx.signal },
      )
      return meteredResponsesStream(events, ctx)
    },
  )
}

const turn: TurnBody = { input: [{ role: 'user', content: 'Say hello' }] }

async function events(t: ReturnType<typeof setup>, account: string) {
  return (await t.stores.usage.list({ account, from: 0, to: Date.now() + 60_000 })).events
}

describe('meteredResponsesStream through withCredits, against a loopback OpenAI', () => {
  it('forwards the starter SSE format and settles exactly the priced usage (1000 in / 500 out = 390 units)', async () => {
    const t = setup()
    await t.grant('u1', 10)
    fake.behave({ deltas: ['Hel', 'lo', ' there'], usage: { input: 1000, output: 500 } })
    const res = await turnResponse(t)(post(turn, { user: 'u1' }), noParams)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    // the hold's headers: 10 credits minus the estimate's hold
    const estimate = await estimateResponses(turn, { model: 'gpt-4.1-nano', maxOutputTokens: 2048 })
    const holdUnits = t.metered.metered.priceUnits('generate', estimate)
    expect(res.headers.get('credits-remaining')).toBe(t.metered.credits.format(10_000 - holdUnits))
    const payloads = parseSse(await res.text()) as Array<{ event: string; data: { type: string; delta?: string } }>
    expect(payloads.map((p) => p.event)).toEqual([
      'response.created',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.completed',
    ])
    expect(payloads[1]).toMatchObject({
      event: 'response.output_text.delta',
      data: { type: 'response.output_text.delta', delta: 'Hel' },
    })
    await t.flush()
    expect(await t.available('u1')).toBe(10_000 - 390)
    expect((await t.stores.ledger.balance('u1')).held).toBe(0)
    const [event] = await events(t, 'u1')
    expect(event).toMatchObject({
      feature: 'generate',
      amount: 390,
      model: 'gpt-4.1-nano',
      inputTokens: 1000,
      outputTokens: 500,
      status: 'ok',
      shortfall: 0,
    })
    expect(event!.latencyMs).toEqual(expect.any(Number))
    // the request reached the upstream with the route's model
    expect(fake.requests.at(-1)?.body).toMatchObject({ model: 'gpt-4.1-nano', stream: true })
  })

  it('client abort mid-stream: charges the produced output (estimate input + chars/4) and releases the rest', async () => {
    const t = setup()
    await t.grant('u1', 10)
    const delta = 'x'.repeat(40) // 10 tokens each at 4 chars per token
    fake.behave({ deltas: Array.from({ length: 5 }, () => delta), delayMs: 15, hang: true })
    const res = await turnResponse(t)(post(turn, { user: 'u1' }), noParams)
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    let text = ''
    while (!text.includes('"response.output_text.delta"')) text += decoder.decode((await reader.read()).value)
    await reader.cancel() // the browser tab closed
    await t.flush()
    expect((await fake.closed()).early).toBe(true) // the upstream request was aborted too
    const [event] = await events(t, 'u1')
    expect(event!.status).toBe('aborted')
    const estimate = await estimateResponses(turn, { model: 'gpt-4.1-nano', maxOutputTokens: 2048 })
    expect(event!.inputTokens).toBe(estimate.inputTokens)
    expect(event!.outputTokens % 10).toBe(0)
    expect(event!.outputTokens).toBeGreaterThanOrEqual(10)
    expect(event!.outputTokens).toBeLessThanOrEqual(50)
    const expected = t.metered.metered.priceUnits('generate', {
      model: 'gpt-4.1-nano',
      inputTokens: event!.inputTokens,
      outputTokens: event!.outputTokens,
    })
    expect(event!.amount).toBe(expected)
    expect(await t.available('u1')).toBe(10_000 - expected)
    expect((await t.stores.ledger.balance('u1')).held).toBe(0)
    expect((await t.stores.ledger.verify('u1')).ok).toBe(true)
  })

  it('request signal abort (Next aborts req.signal when the client disconnects) settles the same way', async () => {
    const t = setup()
    await t.grant('u1', 10)
    fake.behave({ deltas: ['a'.repeat(8), 'b'.repeat(8)], delayMs: 10, hang: true })
    const controller = new AbortController()
    const res = await turnResponse(t)(post(turn, { user: 'u1', signal: controller.signal }), noParams)
    const reader = res.body!.getReader()
    let text = ''
    while (!text.includes('bbbbbbbb')) text += new TextDecoder().decode((await reader.read()).value)
    controller.abort()
    await t.flush()
    const [event] = await events(t, 'u1')
    expect(event).toMatchObject({ status: 'aborted', outputTokens: 4 })
    expect((await t.stores.ledger.balance('u1')).held).toBe(0)
  })

  it("onAbort 'release' gives everything back; 'charge-hold' charges the whole hold", async () => {
    for (const policy of ['release', 'charge-hold'] as const) {
      const t = setup()
      await t.grant('u1', 10)
      fake.behave({ deltas: ['abcd', 'efgh'], delayMs: 5, hang: true })
      const res = await turnResponse(t, policy)(post(turn, { user: 'u1' }), noParams)
      const reader = res.body!.getReader()
      await reader.read()
      await reader.read()
      await reader.cancel()
      await t.flush()
      const [event] = await events(t, 'u1')
      expect(event!.status).toBe('aborted')
      const hold = t.metered.metered.priceUnits(
        'generate',
        await estimateResponses(turn, { model: 'gpt-4.1-nano', maxOutputTokens: 2048 }),
      )
      expect(await t.available('u1')).toBe(policy === 'release' ? 10_000 : 10_000 - hold)
      expect((await t.stores.ledger.balance('u1')).held).toBe(0)
    }
  })

  it('upstream HTTP error before any output: 502 problem without its message, balance unchanged', async () => {
    const t = setup()
    await t.grant('u1', 10)
    fake.behave({ httpError: 500 })
    const res = await turnResponse(t)(post(turn, { user: 'u1' }), noParams)
    expect(res.status).toBe(502)
    const text = await res.text()
    expect(text).not.toContain('sk-secret')
    expect(JSON.parse(text).type).toBe('urn:metered:problem:bad_gateway')
    await t.flush()
    expect(await t.available('u1')).toBe(10_000)
    expect((await events(t, 'u1'))[0]).toMatchObject({ status: 'error', amount: 0 })
  })

  it('upstream connection dropped before any event: 502, released', async () => {
    const t = setup()
    await t.grant('u1', 10)
    fake.behave({ dropAfter: 0 })
    const res = await turnResponse(t)(post(turn, { user: 'u1' }), noParams)
    expect(res.status).toBe(502)
    await t.flush()
    expect(await t.available('u1')).toBe(10_000)
    expect((await t.stores.ledger.balance('u1')).held).toBe(0)
  })

  it('upstream dropped mid-stream after output: the produced output is charged, status error', async () => {
    const t = setup()
    await t.grant('u1', 10)
    fake.behave({ deltas: ['a'.repeat(20), 'b'.repeat(20), 'c'.repeat(20)], dropAfter: 2, delayMs: 10 })
    const res = await turnResponse(t)(post(turn, { user: 'u1' }), noParams)
    expect(res.status).toBe(200)
    await expect(res.text()).rejects.toThrow()
    await t.flush()
    const [event] = await events(t, 'u1')
    expect(event).toMatchObject({ status: 'error', outputTokens: 10 })
    expect(await t.available('u1')).toBe(10_000 - event!.amount)
    expect((await t.stores.ledger.balance('u1')).held).toBe(0)
  })
})

describe('meteredChatCompletionsStream', () => {
  function chatRoute(t: ReturnType<typeof setup>, includeUsage: boolean, format?: 'sse' | 'text') {
    return t.metered.withCredits(
      {
        feature: 'chat',
        body: 'json',
        estimate: (_req, { body }) => estimateChatCompletions(body as never, { model: 'gpt-4.1-nano' }),
      },
      async (_req, ctx) => {
        const chunks = await openai.chat.completions.create(
          {
            model: 'gpt-4.1-nano',
            messages: [{ role: 'user', content: 'hi' }],
            stream: true,
            ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
          },
          { signal: ctx.signal },
        )
        return meteredChatCompletionsStream(chunks, ctx, format ? { format } : {})
      },
    )
  }

  it('settles by the include_usage chunk', async () => {
    const t = setup()
    await t.grant('u1', 10)
    fake.behave({ deltas: ['Hi', '!'], usage: { input: 1000, output: 500 } })
    const res = await chatRoute(t, true)(
      post({ messages: [{ role: 'user', content: 'hi' }] }, { user: 'u1' }),
      noParams,
    )
    const text = await res.text()
    expect(text.trim().endsWith('data: [DONE]')).toBe(true)
    expect(parseSse(text)).toHaveLength(4)
    await t.flush()
    expect(await t.available('u1')).toBe(10_000 - 390)
    expect((await events(t, 'u1'))[0]).toMatchObject({
      feature: 'chat',
      inputTokens: 1000,
      outputTokens: 500,
      status: 'ok',
    })
  })

  it('client abort mid-stream: the produced content is charged, status aborted', async () => {
    const t = setup()
    await t.grant('u1', 10)
    fake.behave({ deltas: ['a'.repeat(40), 'b'.repeat(40)], delayMs: 10, hang: true })
    const res = await chatRoute(t, true)(
      post({ messages: [{ role: 'user', content: 'hi' }] }, { user: 'u1' }),
      noParams,
    )
    const reader = res.body!.getReader()
    let text = ''
    while (!text.includes('bbbb')) text += new TextDecoder().decode((await reader.read()).value)
    await reader.cancel()
    await t.flush()
    const [event] = await events(t, 'u1')
    expect(event).toMatchObject({ feature: 'chat', status: 'aborted', outputTokens: 20 })
    expect(await t.available('u1')).toBe(10_000 - event!.amount)
    expect((await t.stores.ledger.balance('u1')).held).toBe(0)
  })

  it("'text' format sends only the content; without include_usage the output is counted", async () => {
    const t = setup()
    await t.grant('u1', 10)
    fake.behave({ deltas: ['abcd', 'efgh'] })
    const res = await chatRoute(
      t,
      false,
      'text',
    )(post({ messages: [{ role: 'user', content: 'hi' }] }, { user: 'u1' }), noParams)
    expect(res.headers.get('content-type')).toContain('text/plain')
    expect(await res.text()).toBe('abcdefgh')
    await t.flush()
    expect((await events(t, 'u1'))[0]).toMatchObject({ outputTokens: 2, status: 'ok' })
  })
})
