import { createMemoryStores, createMetered } from '@metered/core'
import { generateText, streamText, wrapLanguageModel } from 'ai'
import { MockLanguageModelV4 } from 'ai/test'
import { describe, expect, it } from 'vitest'
import { countInputTokens } from '../src/ai/count-tokens.js'
import { MeteredRefusalError, meteredMiddleware, meteredModel } from '../src/ai/index.js'
import { generatePricer } from './server-helpers.js'

const usage = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: output, text: output, reasoning: 0 },
})

function setupMetered() {
  const stores = createMemoryStores()
  const metered = createMetered({ ...stores, unitsPerCredit: 1000, pricing: { chat: generatePricer } })
  return { stores, metered }
}

function streamModel(deltas: string[], opts: { delayMs?: number; finish?: boolean } = {}) {
  return new MockLanguageModelV4({
    modelId: 'gpt-4.1-nano',
    doStream: async () => ({
      stream: new ReadableStream({
        async start(controller) {
          controller.enqueue({ type: 'stream-start', warnings: [] })
          controller.enqueue({ type: 'text-start', id: 't1' })
          for (const delta of deltas) {
            if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs))
            try {
              controller.enqueue({ type: 'text-delta', id: 't1', delta })
            } catch {
              return // cancelled
            }
          }
          if (opts.finish === false) return
          controller.enqueue({ type: 'text-end', id: 't1' })
          controller.enqueue({
            type: 'finish',
            finishReason: { unified: 'stop', raw: 'stop' },
            usage: usage(1000, 500),
          })
          controller.close()
        },
      }),
    }),
  })
}

describe('meteredModel (AI SDK)', () => {
  it('generateText: holds prompt + maxOutputTokens, settles the reported usage', async () => {
    const { stores, metered } = setupMetered()
    await stores.ledger.grant({ account: 'u1', amount: 10_000, source: 't', idempotencyKey: 'g' })
    let heldDuringCall = 0
    const model = new MockLanguageModelV4({
      modelId: 'gpt-4.1-nano',
      doGenerate: async () => {
        heldDuringCall = (await stores.ledger.balance('u1')).held
        return {
          content: [{ type: 'text', text: 'hello' }],
          finishReason: { unified: 'stop', raw: 'stop' },
          usage: usage(1000, 500),
          warnings: [],
        }
      },
    })
    const result = await generateText({
      model: meteredModel(model, { metered, account: 'u1', feature: 'chat' }),
      prompt: 'Say hello',
      maxOutputTokens: 1000,
    })
    expect(result.text).toBe('hello')
    expect(heldDuringCall).toBeGreaterThan(0)
    const balance = await stores.ledger.balance('u1')
    expect(balance).toMatchObject({ available: 10_000 - 390, held: 0 })
    const { events } = await stores.usage.list({ account: 'u1', from: 0, to: Date.now() + 1000 })
    expect(events[0]).toMatchObject({
      feature: 'chat',
      model: 'gpt-4.1-nano',
      inputTokens: 1000,
      outputTokens: 500,
      amount: 390,
    })
  })

  it('streamText through wrapLanguageModel + meteredMiddleware: settles at finish', async () => {
    const { stores, metered } = setupMetered()
    await stores.ledger.grant({ account: 'u1', amount: 10_000, source: 't', idempotencyKey: 'g' })
    const model = wrapLanguageModel({
      model: streamModel(['Hel', 'lo']),
      middleware: meteredMiddleware({ metered, account: 'u1', feature: 'chat' }),
    })
    const result = streamText({ model, prompt: 'hi' })
    expect(await result.text).toBe('Hello')
    await new Promise((r) => setTimeout(r, 10))
    expect(await stores.ledger.balance('u1')).toMatchObject({ available: 10_000 - 390, held: 0 })
  })

  it('a cancelled stream charges the prompt estimate plus the streamed output, status aborted', async () => {
    const { stores, metered } = setupMetered()
    await stores.ledger.grant({ account: 'u1', amount: 10_000, source: 't', idempotencyKey: 'g' })
    const controller = new AbortController()
    const model = meteredModel(
      streamModel(['a'.repeat(40), 'b'.repeat(40), 'c'.repeat(40)], { delayMs: 20, finish: false }),
      {
        metered,
        account: 'u1',
        feature: 'chat',
      },
    )
    const result = streamText({ model, prompt: 'hi', abortSignal: controller.signal, onError: () => {} })
    for await (const chunk of result.textStream) {
      if (chunk.startsWith('a')) {
        controller.abort()
        break
      }
    }
    await new Promise((r) => setTimeout(r, 50))
    const { events } = await stores.usage.list({ account: 'u1', from: 0, to: Date.now() + 1000 })
    expect(events).toHaveLength(1)
    expect(events[0]!.status).toBe('aborted')
    expect(events[0]!.outputTokens).toBeGreaterThanOrEqual(10)
    expect(events[0]!.inputTokens).toBeGreaterThan(0)
    expect(await stores.ledger.balance('u1')).toMatchObject({ held: 0, available: 10_000 - events[0]!.amount })
  })

  it('a stream cancelled after it started but before any text still pays the prompt (the upstream billed it)', async () => {
    const { stores, metered } = setupMetered()
    await stores.ledger.grant({ account: 'u1', amount: 10_000, source: 't', idempotencyKey: 'g' })
    const middleware = meteredMiddleware({ metered, account: 'u1', feature: 'chat' })
    const { stream } = await middleware.wrapStream({
      // reasoning, a hosted tool, or just a slow first token: parts arrive, no text yet
      doStream: async () => ({
        stream: new ReadableStream({
          start(controller) {
            controller.enqueue({ type: 'stream-start' })
          },
        }),
      }),
      params: { prompt: 'x'.repeat(300), maxOutputTokens: 1000 },
      model: { modelId: 'gpt-4.1-nano' },
    })
    const reader = stream.getReader()
    expect((await reader.read()).value).toMatchObject({ type: 'stream-start' })
    await reader.cancel()
    const { events } = await stores.usage.list({ account: 'u1', from: 0, to: Date.now() + 1000 })
    // the prompt's JSON text counted with gpt-4.1-nano's encoding (o200k_base)
    const prompt = await countInputTokens('gpt-4.1-nano', ['x'.repeat(300)])
    expect(events.map((e) => [e.status, e.inputTokens, e.outputTokens])).toEqual([['aborted', prompt, 0]])
    const charged = metered.priceUnits('chat', { model: 'gpt-4.1-nano', inputTokens: prompt, outputTokens: 0 })
    expect(charged).toBeGreaterThan(0)
    expect(await stores.ledger.balance('u1')).toMatchObject({ held: 0, available: 10_000 - charged })
  })

  it('refuses with MeteredRefusalError (402 problem) when the balance cannot cover the hold', async () => {
    const { stores, metered } = setupMetered()
    await stores.ledger.grant({ account: 'u1', amount: 100, source: 't', idempotencyKey: 'g' })
    const model = meteredModel(streamModel(['x']), { metered, account: 'u1', feature: 'chat' })
    const error = await generateText({ model, prompt: 'hi', maxRetries: 0 }).catch((e: unknown) => e)
    const refusal = error instanceof MeteredRefusalError ? error : (error as { cause?: unknown }).cause
    expect(refusal).toBeInstanceOf(MeteredRefusalError)
    const res = (refusal as MeteredRefusalError).toResponse({ buyUrl: '/buy' })
    expect(res.status).toBe(402)
    expect(await res.json()).toMatchObject({ available: 0.1, buyUrl: '/buy' })
    expect(await stores.ledger.balance('u1')).toMatchObject({ available: 100, held: 0 })
  })

  it('a provider that reports no usage is charged the prompt estimate plus the counted output', async () => {
    const { stores, metered } = setupMetered()
    await stores.ledger.grant({ account: 'u1', amount: 10_000, source: 't', idempotencyKey: 'g' })
    const model = new MockLanguageModelV4({
      modelId: 'gpt-4.1-nano',
      doGenerate: async () => ({
        content: [{ type: 'text', text: 'y'.repeat(400) }],
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: {
          inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
          outputTokens: { total: undefined, text: undefined, reasoning: undefined },
        },
        warnings: [],
      }),
    })
    await generateText({ model: meteredModel(model, { metered, account: 'u1', feature: 'chat' }), prompt: 'hi' })
    const { events } = await stores.usage.list({ account: 'u1', from: 0, to: Date.now() + 1000 })
    expect(events[0]).toMatchObject({ outputTokens: 100, status: 'ok' })
    expect(events[0]!.inputTokens).toBeGreaterThan(0)
    expect(events[0]!.amount).toBeGreaterThan(0)
  })

  it('a failing model call releases the hold', async () => {
    const { stores, metered } = setupMetered()
    await stores.ledger.grant({ account: 'u1', amount: 10_000, source: 't', idempotencyKey: 'g' })
    const model = new MockLanguageModelV4({
      modelId: 'gpt-4.1-nano',
      doGenerate: async () => {
        throw new Error('upstream 500')
      },
    })
    await expect(
      generateText({
        model: meteredModel(model, { metered, account: 'u1', feature: 'chat' }),
        prompt: 'hi',
        maxRetries: 0,
      }),
    ).rejects.toThrow()
    expect(await stores.ledger.balance('u1')).toMatchObject({ available: 10_000, held: 0 })
  })
})
