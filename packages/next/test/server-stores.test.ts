import { createMemoryStores, fixedWindow } from '@metered/core'
import { createPostgresStores, migrate } from '@metered/postgres'
import { createRedisStores, fromIoredis } from '@metered/redis'
import { redisUrl, uniqueName } from '@metered/tooling'
import { freshPostgres } from '@metered/tooling/postgres-fresh'
import { Redis as IoRedis } from 'ioredis'
import type OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { estimateResponses, meteredResponsesStream } from '../src/ai/index.js'
import { type FakeOpenAI, parseSse, startFakeOpenAI } from './ai-fake-openai.js'
import { noParams, post, type StoreSet, setup } from './server-helpers.js'

/**
 * The main withCredits cases on every store set-up people deploy: memory (one process), and
 * "Postgres for money, Redis for limits" (ledger, usage and users in Postgres, limiter in Redis:
 * the two-step authorize path).
 */
const setups: Array<{ name: string; make: () => Promise<{ stores: StoreSet; close: () => Promise<void> }> }> = [
  {
    name: 'memory',
    make: async () => ({ stores: createMemoryStores(), close: async () => {} }),
  },
  {
    name: 'postgres + redis',
    make: async () => {
      const postgres = await freshPostgres({ prefix: 'next', migrate })
      const pgStores = createPostgresStores(postgres.db, { schema: postgres.schema })
      const redis = new IoRedis(redisUrl())
      const { limiterStore } = createRedisStores(fromIoredis(redis), { prefix: `${uniqueName('next')}:` })
      return {
        stores: { ledger: pgStores.ledger, usage: pgStores.usage, users: pgStores.users, limiterStore },
        close: async () => {
          redis.disconnect()
          await postgres.close()
        },
      }
    },
  },
  {
    // limits and credits in one Redis: authorize is one script (rules + balance + hold)
    name: 'redis (one-step authorize) + memory usage',
    make: async () => {
      const redis = new IoRedis(redisUrl())
      const { ledger, limiterStore, authorizer } = createRedisStores(fromIoredis(redis), {
        prefix: `${uniqueName('next1')}:`,
      })
      const memory = createMemoryStores()
      return {
        stores: { ledger, limiterStore, authorizer, usage: memory.usage, users: memory.users },
        close: async () => {
          redis.disconnect()
        },
      }
    },
  },
]

let fake: FakeOpenAI
let openai: OpenAI
beforeAll(async () => {
  fake = await startFakeOpenAI()
  openai = fake.client()
})
afterAll(() => fake.close())

describe.each(setups)('withCredits on $name stores', ({ make }) => {
  let stores: StoreSet
  let close: () => Promise<void>
  beforeAll(async () => {
    ;({ stores, close } = await make())
  }, 60_000)
  afterAll(() => close())

  function instance(limit = 1000) {
    return setup({ stores, rules: { minute: fixedWindow({ limit, window: '1 m' }) }, onError: () => {} })
  }
  const account = () => uniqueName('acct')
  const grant = (acct: string, units: number) =>
    stores.ledger.grant({ account: acct, amount: units, source: 'test', idempotencyKey: `g:${acct}` })

  it('fixed price debit, Credits-Remaining with decimals, 402 with available/required', async () => {
    const { metered, flush } = instance()
    const a = account()
    await grant(a, 2500)
    const POST = metered.withCredits({ feature: 'generate', price: 1.25 }, () => Response.json({ ok: true }))
    const first = await POST(post({}, { user: a }), noParams)
    expect(first.status).toBe(200)
    expect(first.headers.get('credits-remaining')).toBe('1.25')
    await POST(post({}, { user: a }), noParams)
    const refused = await POST(post({}, { user: a }), noParams)
    expect(refused.status).toBe(402)
    expect(await refused.json()).toMatchObject({ available: 0, required: 1.25, buyUrl: '/buy-credits' })
    await flush()
    expect((await stores.ledger.balance(a)).available).toBe(0)
    expect((await stores.ledger.verify(a)).ok).toBe(true)
  })

  it('429 with Retry-After when the limiter refuses; nothing held', async () => {
    const { metered, flush } = instance(1)
    const a = account()
    await grant(a, 10_000)
    const POST = metered.withCredits({ feature: 'generate', price: 1 }, () => Response.json({}))
    expect((await POST(post({}, { user: a }), noParams)).status).toBe(200)
    const refused = await POST(post({}, { user: a }), noParams)
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    await flush()
    expect(await stores.ledger.balance(a)).toMatchObject({ available: 9000, held: 0 })
  })

  it('streams the Responses API and settles exactly 390 units; the usage event has tokens, model, latency', async () => {
    const { metered, flush } = instance()
    const a = account()
    await grant(a, 10_000)
    fake.behave({ deltas: ['Hi', ' there'], usage: { input: 1000, output: 500 } })
    const POST = metered.withCredits(
      {
        feature: 'generate',
        body: 'json',
        estimate: (_req, { body }) => estimateResponses(body as { input: string }, { model: 'gpt-4.1-nano' }),
      },
      async (_req, ctx) =>
        meteredResponsesStream(
          await openai.responses.create({ model: 'gpt-4.1-nano', input: 'hi', stream: true }, { signal: ctx.signal }),
          ctx,
        ),
    )
    const res = await POST(post({ input: 'hi' }, { user: a }), noParams)
    expect(parseSse(await res.text())).toHaveLength(5)
    await flush()
    expect(await stores.ledger.balance(a)).toMatchObject({ available: 10_000 - 390, held: 0 })
    const { events } = await stores.usage.list({ account: a, from: 0, to: Date.now() + 60_000 })
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({
      amount: 390,
      model: 'gpt-4.1-nano',
      inputTokens: 1000,
      outputTokens: 500,
      status: 'ok',
    })
    expect(events[0]!.latencyMs).toEqual(expect.any(Number))
  })

  it('client abort mid-stream charges what was produced and releases the rest', async () => {
    const { metered, flush } = instance()
    const a = account()
    await grant(a, 10_000)
    fake.behave({ deltas: ['x'.repeat(40), 'y'.repeat(40)], delayMs: 10, hang: true })
    const POST = metered.withCredits(
      { feature: 'generate', estimate: { model: 'gpt-4.1-nano', inputTokens: 100, outputTokens: 4096 } },
      async (_req, ctx) =>
        meteredResponsesStream(
          await openai.responses.create({ model: 'gpt-4.1-nano', input: 'hi', stream: true }, { signal: ctx.signal }),
          ctx,
        ),
    )
    const res = await POST(post({}, { user: a }), noParams)
    const reader = res.body!.getReader()
    let text = ''
    while (!text.includes('yyyy')) text += new TextDecoder().decode((await reader.read()).value)
    await reader.cancel()
    await flush()
    const { events } = await stores.usage.list({ account: a, from: 0, to: Date.now() + 60_000 })
    expect(events[0]).toMatchObject({ status: 'aborted', inputTokens: 100, outputTokens: 20 })
    const charged = metered.metered.priceUnits('generate', {
      model: 'gpt-4.1-nano',
      inputTokens: 100,
      outputTokens: 20,
    })
    expect(await stores.ledger.balance(a)).toMatchObject({ available: 10_000 - charged, held: 0 })
  })

  it('upstream error before output releases the hold', async () => {
    const { metered, flush } = instance()
    const a = account()
    await grant(a, 10_000)
    fake.behave({ httpError: 503 })
    const POST = metered.withCredits({ feature: 'generate', estimate: 5 }, async (_req, ctx) =>
      meteredResponsesStream(
        await openai.responses.create({ model: 'gpt-4.1-nano', input: 'hi', stream: true }, { signal: ctx.signal }),
        ctx,
      ),
    )
    expect((await POST(post({}, { user: a }), noParams)).status).toBe(502)
    await flush()
    expect(await stores.ledger.balance(a)).toMatchObject({ available: 10_000, held: 0 })
  })

  it('200 concurrent requests against a small balance: exact admits, never overdrawn', async () => {
    const { metered, flush } = instance()
    const a = account()
    await grant(a, 23_000)
    const POST = metered.withCredits({ feature: 'generate', estimate: 1 }, (_req, ctx) => {
      ctx.charge(1)
      return Response.json({})
    })
    const statuses = (await Promise.all(Array.from({ length: 200 }, () => POST(post({}, { user: a }), noParams)))).map(
      (r) => r.status,
    )
    expect(statuses.filter((s) => s === 200)).toHaveLength(23)
    expect(statuses.filter((s) => s === 402)).toHaveLength(177)
    await flush()
    expect(await stores.ledger.balance(a)).toMatchObject({ available: 0, held: 0 })
    expect((await stores.ledger.verify(a)).ok).toBe(true)
  }, 60_000)
})
