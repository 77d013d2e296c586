/** Reads the caller's IP address from a request; null when it cannot tell. */
export type ClientIp = (req: Request) => string | null

/**
 * Which request headers to believe about the client's address:
 * - a number N: N proxies you run (or rent) sit in front of the app and each appends the address
 *   it saw to `x-forwarded-for`; the client is the Nth entry from the right. Everything left of
 *   it was written by the client and is ignored.
 * - `'vercel'`: Vercel's edge sets `x-real-ip` itself, overwriting what the client sent.
 * - `false`: nothing in front of the app: every header is the client's to forge, so none is read.
 *   Route handlers do not see the socket address, so there is no IP (anonymous `'ip'` callers
 *   get 401, `limit: 'ip'` falls back to the user, the proxy does not limit); pass your own
 *   `clientIp` if your server exposes the address.
 */
export type TrustProxy = number | 'vercel' | false

// An address as a proxy writes it: IPv4, IPv6 (optionally bracketed, with a zone), or either with a
// port. Anything else (a client's free text) is not an address and must not name a bucket.
const ADDRESS = /^[0-9A-Fa-f.:[\]%]{2,64}$/

function address(value: string | undefined | null): string | null {
  const v = value?.trim()
  return v && ADDRESS.test(v) ? v : null
}

/** The Nth `x-forwarded-for` entry from the right (several header lines read as one list). */
function fromRight(value: string | null, n: number): string | null {
  if (!value) return null
  const hops = value.split(',')
  // fewer entries than trusted proxies: not the chain that was declared, so no address
  if (hops.length < n) return null
  return address(hops[hops.length - n])
}

function onVercel(): boolean {
  return typeof process !== 'undefined' && Boolean(process.env?.VERCEL)
}

/** The default `trustProxy`: `'vercel'` when env `VERCEL` is set, else 1 (one appending proxy). */
export function defaultTrustProxy(): TrustProxy {
  return onVercel() ? 'vercel' : 1
}

/**
 * The client IP reader for a `trustProxy` choice (see `TrustProxy`).
 * @example clientIpFor({ trustProxy: 2 }) // a CDN, then nginx, in front of the app
 */
export function clientIpFor(options: { trustProxy?: TrustProxy } = {}): ClientIp {
  const trust = options.trustProxy ?? defaultTrustProxy()
  if (typeof trust === 'number' && !(Number.isSafeInteger(trust) && trust >= 1)) {
    throw new TypeError('trustProxy: the number of proxies in front of the app, 1 or more (or false, or "vercel")')
  }
  return (req) => readIp(trust, req.headers)
}

function readIp(trust: TrustProxy, headers: Headers): string | null {
  if (trust === false) return null
  if (trust === 'vercel') return address(headers.get('x-real-ip')) ?? fromRight(headers.get('x-forwarded-for'), 1)
  return fromRight(headers.get('x-forwarded-for'), trust)
}

/**
 * The default client IP, decided per call from the environment: on Vercel (env `VERCEL`) the
 * platform's `x-real-ip`; elsewhere the rightmost `x-forwarded-for` entry, the one the proxy in
 * front of the app appended (entries before it are the client's own and ignored). Behind more than
 * one proxy, or none, use `trustProxy` (or your own `clientIp`).
 */
export const defaultClientIp: ClientIp = (req) => readIp(defaultTrustProxy(), req.headers)
