import { createLimiter, createMemoryStores, perToken, slidingWindow } from '@metered/core'
import { meteredResponsesStream } from '../../../dist/ai/index.js'
import { createMeteredNext } from '../../../dist/index.js'

/** A fake Responses stream: 3 deltas then usage, or (slow) 50 deltas 100 ms apart. */
async function* events(signal, slow) {
  yield { type: 'response.created', response: { model: 'gpt-4.1-nano', usage: null } }
  for (let i = 0; i < (slow ? 50 : 3); i++) {
    if (slow) await new Promise((r) => setTimeout(r, 100))
    if (signal.aborted) return
    yield { type: 'response.output_text.delta', delta: 'x'.repeat(40) }
  }
  yield {
    type: 'response.completed',
    response: { model: 'gpt-4.1-nano', usage: { input_tokens: 1000, output_tokens: 500 }, output: [] },
  }
}

/**
 * A body that reports its usage only when it ends (the AI SDK's onFinish shape): 50 chunks 100 ms
 * apart, then ctx.charge. A client that leaves before the end must still pay (the estimate).
 */
function chargedAtEnd(ctx) {
  let i = 0
  return new ReadableStream({
    async pull(controller) {
      if (i === 50) {
        ctx.charge({ usage: { model: 'gpt-4.1-nano', inputTokens: 1000, outputTokens: 500 } })
        controller.close()
        return
      }
      if (i > 0) await new Promise((r) => setTimeout(r, 100))
      controller.enqueue(new TextEncoder().encode(`data: ${i++}\n\n`))
    },
  })
}

/** One route module: POST is the metered turn, GET reports the ledger and usage for the test. */
export function meteredRoute() {
  const stores = createMemoryStores()
  const granted = stores.ledger.grant({ account: 'u1', amount: 10_000, source: 'test', idempotencyKey: 'g' })
  // no `after` option: the default finds Next's after() by itself
  const metered = createMeteredNext({
    ...stores,
    limiter: createLimiter({
      store: stores.limiterStore,
      rules: { minute: slidingWindow({ limit: 100, window: '1 m' }) },
    }),
    unitsPerCredit: 1000,
    pricing: { generate: perToken({ markup: 1.3, creditValue: 0.001 }) },
    identify: (req) => (req.headers.get('x-user') ? { id: req.headers.get('x-user') } : null),
  })
  const POST = metered.withCredits(
    { feature: 'generate', estimate: { model: 'gpt-4.1-nano', inputTokens: 100, outputTokens: 4096 } },
    async (req, ctx) => {
      const params = new URL(req.url).searchParams
      if (params.has('at-end'))
        return new Response(chargedAtEnd(ctx), { headers: { 'content-type': 'text/event-stream' } })
      return meteredResponsesStream(events(ctx.signal, params.has('slow')), ctx)
    },
  )
  async function GET() {
    await granted
    const balance = await stores.ledger.balance('u1')
    const usage = await stores.usage.list({ account: 'u1', from: 0, to: Date.now() + 1000 })
    return Response.json({
      available: balance.available,
      held: balance.held,
      events: usage.events.map((e) => [e.status, e.amount, e.outputTokens]),
    })
  }
  return { POST, GET }
}
