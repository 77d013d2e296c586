/** Reads the caller's IP address from a request; null when it cannot tell. */
export type ClientIp = (req: Request) => string | null

function firstForwarded(value: string | null): string | null {
  if (!value) return null
  const first = value.split(',')[0]?.trim()
  return first ? first : null
}

/**
 * The default client IP: `x-real-ip`, then the first `x-forwarded-for` hop, then
 * `cf-connecting-ip`. Vercel and most proxies overwrite these with what they saw, so the first
 * hop is the client there; behind a proxy that appends instead, pass your own `clientIp`, or
 * anyone can pick their own rate-limit bucket by sending the header.
 */
export const defaultClientIp: ClientIp = (req) => {
  const h = req.headers
  return (
    firstForwarded(h.get('x-real-ip')) ??
    firstForwarded(h.get('x-forwarded-for')) ??
    firstForwarded(h.get('cf-connecting-ip'))
  )
}
