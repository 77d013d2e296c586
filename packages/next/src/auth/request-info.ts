import { defaultClientIp } from '../server/client-ip.js'
import type { SignInRequestInfo } from './types.js'

type HeadersModule = { headers?: () => Headers | Promise<Headers> }

/** Client IP from a Headers object with the package's default rules. */
export function ipFromHeaders(headers: Headers): string | null {
  // The default reads only `req.headers`; a Request built just for it would be waste.
  return defaultClientIp({ headers } as Request)
}

/**
 * Reads the sign-in request's IP and user agent: the app's `getRequestInfo` when given, else
 * `headers()` from `next/headers` (imported lazily, once per `meteredAuth`, so the module loads
 * without Next). `headers()` throws outside a request scope; that, and a missing `next`, give
 * nulls rather than a failed sign-in.
 */
export function createRequestInfoReader(
  getRequestInfo:
    | (() => SignInRequestInfo | null | undefined | Promise<SignInRequestInfo | null | undefined>)
    | undefined,
  clientIp: (headers: Headers) => string | null,
): () => Promise<{ ip: string | null; userAgent: string | null }> {
  let mod: Promise<HeadersModule | null> | null = null
  const load = () => {
    mod ??= import('next/headers').then(
      (m: HeadersModule) => m,
      () => null,
    )
    return mod
  }
  return async () => {
    try {
      if (getRequestInfo) {
        const info = await getRequestInfo()
        return { ip: info?.ip ?? null, userAgent: info?.userAgent ?? null }
      }
      const headersFn = (await load())?.headers
      if (typeof headersFn !== 'function') return { ip: null, userAgent: null }
      const h = await headersFn()
      return { ip: clientIp(h), userAgent: h.get('user-agent') }
    } catch {
      return { ip: null, userAgent: null }
    }
  }
}
