import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { meteredChatCompletionsStream, meteredResponsesStream } from '../src/ai/index.js'
import { type FakeOpenAI, startFakeOpenAI } from './ai-fake-openai.js'
import { openRequest, serveRoute } from './http-route-server.js'
import { setup } from './server-helpers.js'

/**
 * The AI stream helpers when the usage never arrives because the client left, over real HTTP
 * (browser -> route over a node server -> the official SDK -> a loopback fake of OpenAI). Once the
 * upstream stream has started, the prompt was sent and is paid for: a cut-short stream charges
 * the estimated input plus ceil(streamed characters / 4) output tokens, even with no text yet.
 */
const estimate = { model: 'gpt-4.1-nano', inputTokens: 100, outputTokens: 4096 }

describe('AI stream helpers, client leaves before the usage arrives (HTTP)', () => {
  let fake: FakeOpenAI
  let server: { url: string; close: () => Promise<void> }
  const { stores, metered, settled } = setup({ onError: () => {} })
  const price = (outputTokens: number) =>
    metered.metered.priceUnits('generate', { model: 'gpt-4.1-nano', inputTokens: 100, outputTokens })

  beforeAll(async () => {
    fake = await startFakeOpenAI()
    const openai = fake.client()
    const responses = metered.withCredits({ feature: 'generate', estimate }, async (_req, ctx) =>
      meteredResponsesStream(
        await openai.responses.create({ model: 'gpt-4.1-nano', input: 'hi', stream: true }, { signal: ctx.signal }),
        ctx,
      ),
    )
    const chat = metered.withCredits({ feature: 'generate', estimate }, async (_req, ctx) =>
      meteredChatCompletionsStream(
        await openai.chat.completions.create(
          {
            model: 'gpt-4.1-nano',
            messages: [{ role: 'user', content: 'hi' }],
            stream: true,
            stream_options: { include_usage: true },
          },
          { signal: ctx.signal },
        ),
        ctx,
      ),
    )
    server = await serveRoute((req) =>
      (new URL(req.url).pathname === '/chat' ? chat : responses)(req, { params: Promise.resolve({}) }),
    )
  })
  afterAll(async () => {
    await server.close()
    await fake.close()
  })

  /** The balance and usage once the call's settle ran and recorded its event. */
  async function charged(account: string) {
    return settled(async () => {
      const balance = await stores.ledger.balance(account)
      const { events } = await stores.usage.list({ account, from: 0, to: Date.now() + 60_000 })
      return balance.held === 0 && events.length > 0 ? { balance, events } : undefined
    })
  }

  async function start(path: string) {
    const account = `acct-${Math.random().toString(36).slice(2)}`
    await stores.ledger.grant({ account, amount: 10_000, source: 'test', idempotencyKey: `g:${account}` })
    const client = openRequest(`${server.url}${path}`, {
      headers: { 'x-user': account, 'content-type': 'application/json' },
      body: '{}',
    })
    return { account, client }
  }

  it('Responses: the client leaves after response.created, before any text: the prompt is charged', async () => {
    fake.behave({ deltas: [], hang: true })
    const { account, client } = await start('/responses')
    await client.until(1)
    await client.until(client.received.indexOf('\n\n') + 2)
    expect(client.received.toString()).toContain('response.created')
    client.cut()
    const { balance, events } = await charged(account)
    expect(events.map((e) => [e.status, e.inputTokens, e.outputTokens])).toEqual([['aborted', 100, 0]])
    expect(balance).toMatchObject({ available: 10_000 - price(0), held: 0 })
  })

  it.each([
    ['Responses', 'response.completed', '/responses'],
    ['Chat Completions', 'the usage chunk', '/chat'],
  ])('%s: the client reads every delta and leaves before %s: input + produced output', async (_api, _last, path) => {
    fake.behave({ deltas: ['x'.repeat(40), 'y'.repeat(40)], hang: true })
    const { account, client } = await start(path)
    for (;;) {
      await client.until(client.received.length + 1)
      if (client.received.toString().includes('y'.repeat(40))) break
    }
    client.cut()
    const { balance, events } = await charged(account)
    expect(events.map((e) => [e.status, e.inputTokens, e.outputTokens])).toEqual([['aborted', 100, 20]])
    expect(balance).toMatchObject({ available: 10_000 - price(20), held: 0 })
  })

  it('Chat Completions: the client leaves before the first byte: nothing produced, released', async () => {
    fake.behave({ deltas: [], hang: true })
    const seen = fake.requests.length
    const { account, client } = await start('/chat')
    // wait until the fake saw the request, so the hold exists and the upstream call is open
    for (let i = 0; i < 1000 && fake.requests.length === seen; i++) await new Promise((r) => setTimeout(r, 10))
    client.cut()
    const { balance, events } = await charged(account)
    expect(events.map((e) => e.status)).toEqual(['aborted'])
    expect(balance).toMatchObject({ available: 10_000, held: 0 })
  })
})
