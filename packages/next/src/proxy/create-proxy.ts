import type { Limiter, LimitResult, Rules } from '@metered/core'
import { type ClientIp, clientIpFor, type TrustProxy } from '../server/client-ip.js'
import { createPolicyFormatter, formatRateLimit } from '../server/headers.js'
import { rateLimited, storeUnavailable } from '../server/problem.js'

/** Which paths the proxy limits: a path prefix, several, a RegExp, or a function. */
export type ProxyMatcher = string | ReadonlyArray<string> | RegExp | ((pathname: string, req: Request) => boolean)

/** Options of `createProxy`. */
export interface ProxyOptions {
  /**
   * The coarse per-IP limiter. Its store is the only thing the proxy calls: use the Redis/Upstash
   * limiter store (shared by every instance, one round trip) or the memory store (per instance),
   * never a database, since this runs before every API request. A limiter of its own (with
   * `prefix: 'proxy:'`) keeps these counts apart from the per-user limits of the route wrappers.
   * @example limiter: createLimiter({ store: createRedisLimiterStore(redis), rules: { ip: slidingWindow({ limit: 120, window: '1 m' }) }, onStoreError: 'allow' })
   */
  limiter: Limiter
  /**
   * Only requests whose path matches are limited; the rest pass untouched. Strings are path
   * prefixes on segment boundaries (`'/api'` matches `/api` and `/api/x`, not `/apix`). Next's
   * own `export const config = { matcher }` must be a static literal in `proxy.ts`; this is the
   * runtime filter inside it.
   * @default '/api'
   * @example matcher: (path) => path.startsWith('/api') && !path.startsWith('/api/webhooks/stripe')
   */
  matcher?: ProxyMatcher
  /**
   * The limiter key for a request; null or undefined lets it through unlimited.
   * @default `ip:<client ip>`; requests without a known IP (local development) are not limited
   * @example key: (req) => req.headers.get('x-api-key') ?? defaultClientIp(req)
   */
  key?: (req: Request) => string | null | undefined
  /**
   * Which headers tell the client IP for the default key: the number of proxies in front of the
   * app that append to `x-forwarded-for`, `'vercel'`, or `false` (none: no IP, nothing limited by
   * IP). See `TrustProxy`.
   * @default 'vercel' when env VERCEL is set, else 1 (the rightmost x-forwarded-for entry)
   */
  trustProxy?: TrustProxy
  /**
   * Reads the client IP for the default key, replacing `trustProxy`.
   * @default clientIpFor({ trustProxy })
   */
  clientIp?: ClientIp
  /** Units each request consumes. @default 1 */
  cost?: number
  /** Only these limiter rules. @default all */
  rules?: string[]
  /**
   * Told about errors the proxy absorbed (an unexpected limiter exception lets the request
   * through: a broken coarse limit must not take the whole API down).
   * @default console.error
   */
  onError?: (error: unknown) => void
}

/** A Next `proxy.ts` / `middleware.ts` function: a Response to answer with, or undefined to continue. */
export type MeteredProxy = (req: Request) => Promise<Response | undefined>

function compileMatcher(matcher: ProxyMatcher): (pathname: string, req: Request) => boolean {
  if (typeof matcher === 'function') return matcher
  if (matcher instanceof RegExp) return (pathname) => matcher.test(pathname)
  const prefixes = (typeof matcher === 'string' ? [matcher] : [...matcher]).map((p) => p.replace(/\/+$/, ''))
  return (pathname) => prefixes.some((p) => p === '' || pathname === p || pathname.startsWith(`${p}/`))
}

/**
 * Coarse per-IP rate limits for Next 16 `proxy.ts` (or `middleware.ts` on Next 15), before any
 * authentication or database work: one limiter call per matching request. Over the limit it
 * answers 429 problem+json with `Retry-After`, `RateLimit-Policy` and `RateLimit`; a limiter store
 * that is down answers 503 under the limiter's `onStoreError: 'deny'` (prefer `'allow'` here);
 * otherwise it returns undefined and Next goes on to the route.
 * @example
 * // proxy.ts (Next 16; on Next 15 name the file middleware.ts and the export `middleware`)
 * import { createProxy } from '@metered/next/proxy'
 * export const proxy = createProxy({ limiter: ipLimiter })
 * export const config = { matcher: '/api/:path*' }
 */
export function createProxy(options: ProxyOptions): MeteredProxy {
  const { limiter } = options
  const matches = compileMatcher(options.matcher ?? '/api')
  const clientIp =
    options.clientIp ?? clientIpFor(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy })
  const keyOf =
    options.key ??
    ((req: Request) => {
      const ip = clientIp(req)
      return ip ? `ip:${ip}` : null
    })
  const report = options.onError ?? ((error: unknown) => console.error('[metered] proxy limiter failed', error))
  const policyOf = createPolicyFormatter()

  const headersFor = (limit: LimitResult): Headers => {
    const h = new Headers()
    let rules: Rules | undefined
    try {
      rules = limiter.rulesFor({})
      const policy = policyOf(rules, options.rules)
      if (policy) h.set('RateLimit-Policy', policy)
    } catch {
      // rules that depend on a caller context cannot be listed here; the header is optional
    }
    // only refusals get here: `t` is the refusing rule's wait, which needs no clock
    const rl = formatRateLimit(limit, Date.now(), rules)
    if (rl) h.set('RateLimit', rl)
    return h
  }

  return async (req) => {
    let limit: LimitResult
    try {
      if (!matches(new URL(req.url).pathname, req)) return undefined
      const key = keyOf(req)
      if (!key) return undefined
      limit = await limiter.limit(key, {
        ...(options.cost !== undefined ? { cost: options.cost } : {}),
        ...(options.rules ? { rules: options.rules } : {}),
      })
    } catch (error) {
      report(error)
      return undefined
    }
    if (limit.ok) return undefined
    const headers = headersFor(limit)
    if (limit.reason === 'store_unavailable') return storeUnavailable(headers)
    return rateLimited({ retryAfter: limit.retryAfter, rules: limit.rules }, headers)
  }
}
