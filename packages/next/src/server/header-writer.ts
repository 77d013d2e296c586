import type { LimitContext, LimitResult, Rules } from '@metered/core'
import { createPolicyFormatter, formatRateLimit } from './headers.js'
import type { MeteredNextCore } from './types.js'

export interface HeaderWriter {
  /** Sets Credits-Remaining (from units, when known), RateLimit-Policy and RateLimit on `headers`. */
  write(headers: Headers, availableUnits: number | null, limit: LimitResult | null): Headers
}

/**
 * Writes the metered fields of docs/http-api.md. The policy comes from the limiter's rules for this
 * caller (plan-dependent rules give plan-dependent policies), formatted once per rules object.
 */
export function createHeaderWriter(core: MeteredNextCore) {
  const policyOf = createPolicyFormatter()
  const { limiter, credits } = core.metered
  return (ctx: LimitContext, only: string[] | undefined, limitKeyed = true): HeaderWriter => ({
    write(headers, availableUnits, limit) {
      let policy: string | null = null
      let rules: Rules | undefined
      if (limiter && limitKeyed) {
        try {
          rules = limiter.rulesFor(ctx)
          policy = policyOf(rules, only)
        } catch {
          // invalid rules already failed the call itself; the header is best effort
        }
      }
      // setMeteredHeaders, inlined: this runs on every call, and the clock is only read when a
      // RateLimit field is written.
      if (availableUnits !== null) headers.set('Credits-Remaining', credits.format(availableUnits))
      if (policy) headers.set('RateLimit-Policy', policy)
      if (limit && limit.rules.length > 0) {
        const value = formatRateLimit(limit, core.now(), rules)
        if (value) headers.set('RateLimit', value)
      }
      return headers
    },
  })
}

/**
 * `res` with the metered header fields (and another body when given). A handler's own response
 * usually has mutable headers; one passed through from `fetch` does not, and is copied.
 */
export function withHeaders(
  res: Response,
  body: ReadableStream<Uint8Array> | null,
  writer: HeaderWriter,
  available: number | null,
  limit: LimitResult | null,
): Response {
  if (body === res.body) {
    try {
      writer.write(res.headers, available, limit)
      return res
    } catch {
      // immutable headers (a fetch() response): copy below
    }
  }
  const headers = writer.write(new Headers(res.headers), available, limit)
  return new Response(body, { status: res.status, statusText: res.statusText, headers })
}
