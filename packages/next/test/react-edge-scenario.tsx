// Bundled by react-edge.test.tsx and run inside edge-runtime: the React entry server-renders and
// meteredFetch updates its store with Web APIs only.
import { renderToReadableStream } from 'react-dom/server.edge'
import {
  BuyCreditsButton,
  CreditDisplay,
  CreditHistory,
  CreditManagement,
  createMeteredFetch,
  createMeteredStore,
  LowCreditsNotice,
  MeteredProvider,
  RateLimitNotice,
  UsageChart,
} from '../src/react/index.js'

declare global {
  var __reactScenario: () => Promise<Record<string, unknown>>
}

globalThis.__reactScenario = async () => {
  const stream = await renderToReadableStream(
    <MeteredProvider initialBalance={1234.567}>
      <CreditDisplay />
      <BuyCreditsButton packId="pack_1" />
      <CreditHistory />
      <CreditManagement />
      <UsageChart
        data={{
          buckets: [],
          totals: {
            events: 0,
            amount: 0,
            inputTokens: 0,
            cachedInputTokens: 0,
            outputTokens: 0,
            quantity: 0,
            errors: 0,
          },
        }}
      />
      <RateLimitNotice />
      <LowCreditsNotice threshold={5000} buyUrl="/buy" />
    </MeteredProvider>,
  )
  await stream.allReady
  const html = await new Response(stream).text()
  const store = createMeteredStore()
  const meteredFetch = createMeteredFetch(
    store,
    async () =>
      new Response('{}', {
        headers: {
          'Credits-Remaining': '9.61',
          RateLimit: '"minute";r=4;t=30',
          'RateLimit-Policy': '"minute";q=5;w=60',
        },
      }),
  )
  await meteredFetch('/api/generate', { method: 'POST' })
  const { balance, rateLimit } = store.getState()
  return {
    isEdge: typeof (globalThis as { EdgeRuntime?: unknown }).EdgeRuntime === 'string',
    hasWindow: typeof window !== 'undefined',
    credits: html.includes('1,234.56 credits'),
    lowCredits: html.includes('running low on credits'),
    search: html.includes('Search users'),
    balance,
    rateLimit: rateLimit && { policy: rateLimit.policy, remaining: rateLimit.remaining, limit: rateLimit.limit },
  }
}
