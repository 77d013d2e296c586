import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { estimateResponses, meteredResponsesStream } from '../src/ai/index.js'
import { type FakeOpenAI, parseSse, startFakeOpenAI } from './ai-fake-openai.js'
import { serveRoute } from './http-route-server.js'
import { setup } from './server-helpers.js'

/**
 * `fit` end to end: a browser-like client over real HTTP -> a `withCredits({ fit })` route -> the
 * official SDK -> a loopback fake of OpenAI. A caller who cannot afford the whole answer gets one
 * capped at what the balance affords: the upstream request carries that cap, the response says
 * it in `Fitted-Output-Tokens`, and the settle stays within the hold.
 */
describe('fit mode over HTTP with the OpenAI SDK', () => {
  let fake: FakeOpenAI
  let server: { url: string; close: () => Promise<void> }
  const t = setup()

  beforeAll(async () => {
    fake = await startFakeOpenAI()
    const openai = fake.client()
    const route = t.metered.withCredits(
      {
        feature: 'generate',
        body: 'json',
        fit: { minOutputTokens: 64 },
        estimate: (_req, { body }) =>
          estimateResponses(
            { input: (body as { prompt: string }).prompt, max_output_tokens: 4096 },
            { model: 'gpt-4.1-nano' },
          ),
      },
      async (_req, ctx) =>
        meteredResponsesStream(
          await openai.responses.create(
            {
              model: 'gpt-4.1-nano',
              input: (ctx.body as { prompt: string }).prompt,
              max_output_tokens: ctx.maxOutputTokens ?? 4096,
              stream: true,
            },
            { signal: ctx.signal },
          ),
          ctx,
        ),
    )
    server = await serveRoute((req) => route(req, { params: Promise.resolve({}) }))
  })
  afterAll(async () => {
    await server.close()
    await fake.close()
  })

  const turn = (user: string) =>
    fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user': user },
      body: JSON.stringify({ prompt: 'hello world' }),
    })

  it('a short balance gets a capped answer, said in the header and sent upstream; a full one does not', async () => {
    // 0.5 credits = 500 units: 2 prompt tokens (0.26 units) leave floor((500 - 0.26) / 0.52) = 961 output tokens
    await t.stores.ledger.grant({ account: 'poor', amount: 500, source: 't', idempotencyKey: 'poor' })
    fake.behave({ deltas: ['Hel', 'lo'], usage: { input: 2, output: 300 } })
    const res = await turn('poor')
    expect(res.status).toBe(200)
    expect(res.headers.get('fitted-output-tokens')).toBe('961')
    expect(parseSse(await res.text()).length).toBeGreaterThan(0)
    expect(fake.requests.at(-1)?.body.max_output_tokens).toBe(961)
    await t.flush()
    const price = t.metered.metered.priceUnits('generate', { model: 'gpt-4.1-nano', inputTokens: 2, outputTokens: 300 })
    expect(await t.stores.ledger.balance('poor')).toMatchObject({ available: 500 - price, held: 0 })

    await t.grant('rich', 100)
    const full = await turn('rich')
    expect(full.status).toBe(200)
    expect(full.headers.get('fitted-output-tokens')).toBeNull()
    await full.text()
    expect(fake.requests.at(-1)?.body.max_output_tokens).toBe(4096)
    await t.flush()
  })

  it('below the floor: 402, and nothing reaches OpenAI', async () => {
    await t.stores.ledger.grant({ account: 'broke', amount: 30, source: 't', idempotencyKey: 'broke' })
    const before = fake.requests.length
    const res = await turn('broke')
    expect(res.status).toBe(402)
    expect(await res.json()).toMatchObject({ code: 'insufficient_credits', available: 0.03 })
    expect(fake.requests.length).toBe(before)
    expect(await t.stores.ledger.balance('broke')).toMatchObject({ available: 30, held: 0 })
  })
})
