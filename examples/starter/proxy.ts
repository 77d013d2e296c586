import { createLimiter, createMemoryLimiterStore, slidingWindow } from '@metered/core'
import { createProxy } from '@metered/next'

// A coarse per-IP limit in front of every API route, before auth or any database work. The
// memory store keeps this path free of network calls (per instance; use the Upstash limiter
// store to share it across instances). Per-user limits and credits are the routes' business.
const limiter = createLimiter({
  store: createMemoryLimiterStore(),
  rules: { ip: slidingWindow({ limit: 300, window: '1 m' }) },
  prefix: 'proxy:',
  // A broken coarse limit must not take the API down.
  onStoreError: 'allow',
})

export const proxy = createProxy({
  limiter,
  // Stripe's webhook deliveries come from a few shared IPs: never limit them here.
  matcher: (pathname) => pathname.startsWith('/api/') && !pathname.startsWith('/api/webhooks/'),
})

export const config = { matcher: '/api/:path*' }
