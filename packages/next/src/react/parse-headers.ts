import type { RateLimitState } from './types.js'

/**
 * Readers for the metered response fields of docs/http-api.md. They never throw: a malformed or
 * missing field reads as null and leaves the state as it was.
 */

/** `Credits-Remaining: 12.345` -> 12.345. */
export function readCreditsRemaining(headers: Headers): number | null {
  const raw = headers.get('credits-remaining')
  if (raw === null || raw.trim() === '') return null
  const value = Number(raw)
  return Number.isFinite(value) ? value : null
}

/** `Fitted-Output-Tokens: 359` -> 359 (a positive integer, else null). */
export function readFittedOutputTokens(headers: Headers): number | null {
  const raw = headers.get('fitted-output-tokens')?.trim()
  return raw && /^\d{1,9}$/.test(raw) ? Number(raw) : null
}

/** `Retry-After` (delta-seconds or an HTTP date) as milliseconds, the unit of every duration in the API. */
export function readRetryAfter(headers: Headers, now: number): number | null {
  const raw = headers.get('retry-after')?.trim()
  if (!raw) return null
  if (/^\d+$/.test(raw)) return Number(raw) * 1000
  const at = Date.parse(raw)
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000) * 1000)
}

type Item = { name: string; params: Record<string, string> }

// One structured-field list member: a quoted string or token, then `;key=value` parameters.
const ITEM =
  /\s*("(?:[^"\\]|\\.)*"|[^\s;,]+)((?:\s*;\s*[a-z*][\w.*-]*(?:=(?:"(?:[^"\\]|\\.)*"|[^\s;,]*))?)*)\s*(?:,|$)/gy
const PARAM = /;\s*([a-z*][\w.*-]*)(?:=("(?:[^"\\]|\\.)*"|[^\s;,]*))?/g

const unquote = (s: string) => (s.startsWith('"') ? s.slice(1, -1).replace(/\\(.)/g, '$1') : s)

/** A structured-field list such as `"minute";q=60;w=60, "day";q=1000;w=86400`. */
export function parseSfList(value: string): Item[] {
  const items: Item[] = []
  ITEM.lastIndex = 0
  for (let m = ITEM.exec(value); m && m[0] !== ''; m = ITEM.exec(value)) {
    const params: Record<string, string> = {}
    for (const p of (m[2] ?? '').matchAll(PARAM)) params[p[1] as string] = unquote(p[2] ?? '?1')
    items.push({ name: unquote(m[1] as string), params })
  }
  return items
}

/**
 * `RateLimit: "minute";r=59;t=41` with `RateLimit-Policy` for the quota. With several items the
 * one with the fewest remaining wins, as the server sends only the tightest.
 */
export function readRateLimit(headers: Headers, now: number): RateLimitState | null {
  const raw = headers.get('ratelimit')
  if (!raw) return null
  let best: RateLimitState | null = null
  const policies = parseSfList(headers.get('ratelimit-policy') ?? '')
  for (const item of parseSfList(raw)) {
    const remaining = Number(item.params.r)
    if (!Number.isFinite(remaining)) continue
    const policy = policies.find((p) => p.name === item.name)?.params
    const q = Number(policy?.q)
    const w = Number(policy?.w)
    const state: RateLimitState = {
      policy: item.name,
      remaining,
      limit: policy && Number.isFinite(q) ? q : null,
      window: policy && Number.isFinite(w) ? w : null,
      resetAt: now + (Number(item.params.t) || 0) * 1000,
    }
    if (!best || remaining < best.remaining) best = state
  }
  return best
}
