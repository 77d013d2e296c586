import { createMemoryStores, fixed, openaiTextPrices, perImage, perToken } from '@metered/core'
import { describe, expect, it } from 'vitest'
import { estimateResponses, meteredResponsesStream } from '../src/ai/index.js'
import { createMeteredNext } from '../src/index.js'
import { noParams, post, setup } from './server-helpers.js'

/**
 * A model with no price is the server's misconfiguration (the price table is server config; a
 * client picks a model only through the route's schema): a 500 problem, logged once, clearly,
 * never a 400 blamed on the client. `createMeteredNext({ models })` finds it at start-up.
 */
describe('an unpriced model', () => {
  it('every turn is a 500 problem, nothing held, and the log says once which model and where to price it', async () => {
    const errors: unknown[] = []
    const t = setup({ onError: (e) => errors.push(e) })
    await t.grant('u1', 10)
    // the starter's shape: the model is a server constant the price table does not know
    const MODEL = 'gpt-5-turbo-unpriced'
    const POST = t.metered.withCredits(
      {
        feature: 'generate',
        body: 'json',
        estimate: (_req, { body }) => estimateResponses(body as { input: string }, { model: MODEL }),
      },
      async (_req, ctx) => meteredResponsesStream((async function* () {})(), ctx),
    )
    for (let i = 0; i < 3; i++) {
      const res = await POST(post({ input: 'hi' }, { user: 'u1' }), noParams)
      expect(res.status).toBe(500)
      expect(res.headers.get('content-type')).toContain('application/problem+json')
      const problem = await res.json()
      expect(problem.type).toBe('urn:metered:problem:internal')
      expect(JSON.stringify(problem)).not.toContain(MODEL)
    }
    const messages = errors.map((e) => String((e as Error).message))
    expect(messages.filter((m) => m.includes(MODEL))).toHaveLength(1)
    const message = messages.find((m) => m.includes(MODEL)) as string
    expect(message).toContain('"generate"')
    expect(message).toMatch(/pric/)
    await t.flush()
    expect(await t.stores.ledger.balance('u1')).toMatchObject({ available: 10_000, held: 0 })
  })

  it('a second unpriced model is logged once too', async () => {
    const errors: unknown[] = []
    const t = setup({ onError: (e) => errors.push(e) })
    await t.grant('u1', 10)
    const POST = t.metered.withCredits(
      {
        feature: 'generate',
        body: 'json',
        estimate: (_req, { body }) => ({ model: (body as { m: string }).m, inputTokens: 1, outputTokens: 1 }),
      },
      () => Response.json({}),
    )
    for (const m of ['a-model', 'b-model', 'a-model', 'b-model']) {
      expect((await POST(post({ m }, { user: 'u1' }), noParams)).status).toBe(500)
    }
    const messages = errors.map((e) => String((e as Error).message))
    expect(messages.filter((m) => m.includes('"a-model"'))).toHaveLength(1)
    expect(messages.filter((m) => m.includes('"b-model"'))).toHaveLength(1)
  })

  describe('createMeteredNext({ models }) checks the prices at start-up', () => {
    const base = () => ({
      ...createMemoryStores(),
      unitsPerCredit: 1000,
      pricing: {
        generate: perToken({ markup: 1.3, creditValue: 0.001 }),
        custom: perToken({ models: { 'my-model': { input: 1, output: 2 } } }),
        image: perImage({ creditValue: 0.001 }),
        flat: fixed(1),
      },
      identify: () => null,
    })

    it('passes when every model has a price (dated snapshots, image and fixed pricers included)', () => {
      expect(() =>
        createMeteredNext({
          ...base(),
          models: {
            generate: ['gpt-4.1-nano', 'gpt-4.1-nano-2025-04-14', ...Object.keys(openaiTextPrices).slice(0, 3)],
            custom: ['my-model'],
            image: ['gpt-image-1'],
            flat: ['anything'],
          },
        }),
      ).not.toThrow()
    })

    it('throws naming the feature and every unpriced model', () => {
      expect(() =>
        createMeteredNext({ ...base(), models: { generate: ['gpt-4.1-nano', 'gpt-5-turbo-unpriced', 'my-model'] } }),
      ).toThrow(/"generate".*"gpt-5-turbo-unpriced".*"my-model"/s)
      // your own models add to the catalog: only a model in neither table is unpriced
      expect(() => createMeteredNext({ ...base(), models: { custom: ['gpt-4.1-nano'] } })).not.toThrow()
      expect(() => createMeteredNext({ ...base(), models: { custom: ['no-such-model'] } })).toThrow(/"no-such-model"/)
    })

    it('throws for a feature without a pricer', () => {
      expect(() => createMeteredNext({ ...base(), models: { nope: ['gpt-4.1-nano'] } })).toThrow(/"nope"/)
    })

    it('works with a ready metered instance too', () => {
      const first = createMeteredNext(base())
      expect(() =>
        createMeteredNext({ metered: first.metered, identify: () => null, models: { generate: ['nope-model'] } }),
      ).toThrow(/"nope-model"/)
    })
  })
})
