import { fromAiSdk } from '@metered/core'
import { streamText } from 'ai'
import { MockLanguageModelV4 } from 'ai/test'
import { expect, it } from 'vitest'
import { noParams, post, setup } from './server-helpers.js'

it('withCredits + streamText: a 402 before streaming, then onFinish usage settles the turn', async () => {
  const t = setup()
  await t.grant('u1', 10)
  await t.stores.ledger.grant({ account: 'poor', amount: 10, source: 't', idempotencyKey: 'p' })
  const model = new MockLanguageModelV4({
    modelId: 'gpt-4.1-nano',
    doStream: async () => ({
      stream: new ReadableStream({
        start(c) {
          c.enqueue({ type: 'text-start', id: 't' })
          c.enqueue({ type: 'text-delta', id: 't', delta: 'Hello' })
          c.enqueue({ type: 'text-end', id: 't' })
          c.enqueue({
            type: 'finish',
            finishReason: { unified: 'stop', raw: 'stop' },
            usage: {
              inputTokens: { total: 1000, noCache: 1000, cacheRead: 0, cacheWrite: 0 },
              outputTokens: { total: 500, text: 500, reasoning: 0 },
            },
          })
          c.close()
        },
      }),
    }),
  })
  const POST = t.metered.withCredits(
    { feature: 'generate', estimate: { model: 'gpt-4.1-nano', inputTokens: 2000, outputTokens: 2048 } },
    async (_req, ctx) =>
      streamText({
        model,
        prompt: 'hi',
        abortSignal: ctx.signal,
        onFinish: ({ totalUsage }) => ctx.charge({ usage: fromAiSdk(totalUsage, 'gpt-4.1-nano') }),
      }).toTextStreamResponse(),
  )
  const refused = await POST(post({}, { user: 'poor' }), noParams)
  expect(refused.status).toBe(402)
  const res = await POST(post({}, { user: 'u1' }), noParams)
  expect(await res.text()).toBe('Hello')
  await t.flush()
  expect(await t.available('u1')).toBe(10_000 - 390)
})
