/**
 * Runs inside the edge-runtime VM (bundled to one script by test/server-edge.test.ts): only Web
 * APIs exist there, no Node built-ins. Exercises a fixed-price route and a metered Responses
 * stream on the memory stores and reports what it saw.
 */
import { createLimiter, createMemoryStores, fixedWindow, perToken } from '@metered/core'
import { meteredResponsesStream } from '../../src/ai/index.js'
import { createMeteredNext } from '../../src/index.js'

async function* fakeResponses() {
  yield { type: 'response.created', response: { model: 'gpt-4.1-nano', usage: null } }
  yield { type: 'response.output_text.delta', delta: 'Hello' }
  yield {
    type: 'response.completed',
    response: { model: 'gpt-4.1-nano', usage: { input_tokens: 1000, output_tokens: 500 }, output: [] },
  }
}

async function scenario() {
  const stores = createMemoryStores()
  const tasks: Promise<unknown>[] = []
  const metered = createMeteredNext({
    ...stores,
    limiter: createLimiter({ store: stores.limiterStore, rules: { minute: fixedWindow({ limit: 5, window: '1 m' }) } }),
    unitsPerCredit: 1000,
    pricing: { generate: perToken({ markup: 1.3, creditValue: 0.001 }) },
    identify: (req) => (req.headers.get('x-user') ? { id: req.headers.get('x-user') as string } : null),
    after: (task) => {
      tasks.push(task)
    },
  })
  await stores.ledger.grant({ account: 'u1', amount: 10_000, source: 'test', idempotencyKey: 'g1' })
  const request = (user?: string) =>
    new Request('https://edge.test/api/turn_response', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(user ? { 'x-user': user } : {}) },
      body: JSON.stringify({ input: 'hi' }),
    })

  const fixedRoute = metered.withCredits({ feature: 'generate', price: 2 }, () => Response.json({ ok: true }))
  const fixed = await fixedRoute(request('u1'), { params: Promise.resolve({}) })
  const anonymous = await fixedRoute(request(), { params: Promise.resolve({}) })

  const streamRoute = metered.withCredits(
    { feature: 'generate', body: 'json', estimate: { model: 'gpt-4.1-nano', inputTokens: 2000, outputTokens: 2000 } },
    async (_req, ctx) => meteredResponsesStream(fakeResponses(), ctx),
  )
  const streamed = await streamRoute(request('u1'), { params: Promise.resolve({}) })
  const text = await streamed.text()
  while (tasks.length > 0) await Promise.all(tasks.splice(0))

  // The default `after` (no option): next/server cannot load here, so the task just runs.
  const plain = createMeteredNext({ metered: metered.metered, identify: () => ({ id: 'u1' }) })
  const plainRes = await plain.withCredits({ feature: 'generate', price: 1 }, () => new Response('ok'))(request('u1'), {
    params: Promise.resolve({}),
  })
  await plainRes.text()
  await new Promise((r) => setTimeout(r, 20))

  const balance = await stores.ledger.balance('u1')
  const usage = await stores.usage.list({ account: 'u1', from: 0, to: Date.now() + 1000 })
  return {
    isEdge: typeof (globalThis as { EdgeRuntime?: unknown }).EdgeRuntime === 'string',
    hasProcess: typeof (globalThis as { process?: unknown }).process !== 'undefined',
    fixed: {
      status: fixed.status,
      credits: fixed.headers.get('credits-remaining'),
      rateLimit: fixed.headers.get('ratelimit'),
    },
    anonymous: anonymous.status,
    streamed: {
      status: streamed.status,
      type: streamed.headers.get('content-type'),
      lines: text.split('\n\n').filter(Boolean).length,
    },
    available: balance.available,
    held: balance.held,
    statuses: usage.events.map((e) => [e.status, e.amount]),
  }
}

;(globalThis as { __scenario?: () => Promise<unknown> }).__scenario = scenario
