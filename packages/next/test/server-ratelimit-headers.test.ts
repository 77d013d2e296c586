import {
  createLimiter,
  createManualClock,
  createMemoryStores,
  fixedWindow,
  type Rules,
  slidingWindow,
  tokenBucket,
} from '@metered/core'
import { type Item, type List, parseList } from 'structured-headers'
import { describe, expect, it } from 'vitest'
import { createMeteredNext, createProxy } from '../src/index.js'
import { generatePricer, noParams, post } from './server-helpers.js'

/**
 * `RateLimit-Policy`, `RateLimit` and `Retry-After` as a client reads them: every header the
 * wrappers emit is parsed with a real RFC 9651 structured-field parser, and the fields must tell
 * the truth about the same instant: `t` is the seconds until more quota is available for the
 * policy named, never more than that policy's window `w` on a success; on a 429 it is the refusing
 * policy's wait and equals Retry-After, and the call is refused one second earlier and admitted
 * then. Checked for fixed, sliding and token-bucket rules at several positions in a window, with
 * the injected clock.
 */
const MINUTE = 60_000
const BASE = Date.UTC(2026, 0, 1) // aligned to the minute
const LIMIT = 5

const ruleSets: Array<{ name: string; rules: Rules; sliding?: boolean }> = [
  { name: 'fixed window', rules: { minute: fixedWindow({ limit: LIMIT, window: '1 m' }) } },
  { name: 'sliding window', rules: { minute: slidingWindow({ limit: LIMIT, window: '1 m' }) }, sliding: true },
  { name: 'token bucket', rules: { burst: tokenBucket({ capacity: LIMIT, refillEvery: '12 s' }) } },
  {
    name: 'sliding minute + fixed hour',
    rules: {
      minute: slidingWindow({ limit: LIMIT, window: '1 m' }),
      hour: fixedWindow({ limit: 7, window: '1 h' }),
    },
    sliding: true,
  },
]
const offsets = [0, 1, 500, 11_999, 17_000, 30_000, 59_000, 59_999]

function int(value: unknown): number {
  expect(Number.isInteger(value)).toBe(true)
  return value as number
}

/** The policies of a RateLimit-Policy field: name -> { q, w }. */
function policies(field: string | null): Map<string, { q: number; w: number }> {
  expect(field).not.toBeNull()
  const list: List = parseList(field as string)
  const out = new Map<string, { q: number; w: number }>()
  for (const member of list) {
    const [name, params] = member as Item
    expect(typeof name).toBe('string')
    const q = int(params.get('q'))
    const w = int(params.get('w'))
    expect(q).toBeGreaterThan(0)
    expect(w).toBeGreaterThan(0)
    out.set(name as string, { q, w })
  }
  return out
}

/** The RateLimit field's items: [policy name, r, t]. */
function rateLimit(field: string | null): Array<{ name: string; r: number; t: number }> {
  expect(field).not.toBeNull()
  return parseList(field as string).map((member) => {
    const [name, params] = member as Item
    expect(typeof name).toBe('string')
    const r = int(params.get('r'))
    const t = int(params.get('t'))
    expect(r).toBeGreaterThanOrEqual(0)
    expect(t).toBeGreaterThanOrEqual(0)
    return { name: name as string, r, t }
  })
}

/** Checks one response's fields against each other; returns the t of a 429 (else null). */
function check(res: Response, sliding: boolean): number | null {
  const policy = policies(res.headers.get('ratelimit-policy'))
  const items = rateLimit(res.headers.get('ratelimit'))
  expect(items.length).toBeGreaterThan(0)
  for (const item of items) {
    const p = policy.get(item.name)
    expect(p, `RateLimit names "${item.name}", which RateLimit-Policy does not list`).toBeDefined()
    expect(item.r).toBeLessThanOrEqual(p!.q)
    if (res.status !== 429 || !sliding) expect(item.t).toBeLessThanOrEqual(p!.w)
    // The weighted sliding window can ask a burst that spent the whole quota in a window's first
    // w/q seconds to wait into the next window by up to w/q more: t says so, it does not lie.
    else expect(item.t).toBeLessThanOrEqual(p!.w + Math.ceil(p!.w / p!.q))
  }
  if (res.status !== 429) {
    expect(res.headers.get('retry-after')).toBeNull()
    return null
  }
  const retryAfter = res.headers.get('retry-after')
  expect(retryAfter).toMatch(/^[1-9][0-9]*$/)
  expect(items).toHaveLength(1)
  expect(items[0]!.t).toBe(Number(retryAfter))
  return items[0]!.t
}

describe.each(ruleSets)('RateLimit headers, $name', ({ rules, sliding = false }) => {
  function instance() {
    const clock = createManualClock(BASE)
    const stores = createMemoryStores({ clock })
    const limiter = createLimiter({ store: stores.limiterStore, rules })
    const metered = createMeteredNext({
      ...stores,
      clock,
      limiter,
      unitsPerCredit: 1000,
      pricing: { generate: generatePricer },
      identify: (req) => (req.headers.get('x-user') ? { id: req.headers.get('x-user') as string } : null),
      after: () => {},
      onError: () => {},
    })
    return { clock, stores, limiter, metered }
  }

  const wrappers = ['withRateLimit', 'withCredits', 'proxy'] as const

  describe.each(wrappers)('%s', (wrapper) => {
    it.each(offsets)('burst from %i ms into a window, then retry when told', async (offset) => {
      const { clock, stores, limiter, metered } = instance()
      await stores.ledger.grant({ account: 'u1', amount: 1_000_000, source: 't', idempotencyKey: 'g' })
      const route =
        wrapper === 'withRateLimit'
          ? metered.withRateLimit({}, () => Response.json({}))
          : metered.withCredits({ feature: 'generate', price: 0.001 }, () => Response.json({}))
      const proxy = createProxy({ limiter, key: () => 'ip:1' })
      const call = async () => {
        if (wrapper !== 'proxy') return route(post({}, { user: 'u1' }), noParams)
        // the proxy answers only refusals; a pass-through is checked through the limiter's own result
        return (await proxy(new Request('http://localhost/api/x'))) ?? null
      }
      clock.set(BASE + MINUTE + offset)
      let refusedT: number | null = null
      for (let i = 0; i < 2 * LIMIT && refusedT === null; i++) {
        const res = await call()
        if (res) refusedT = check(res, sliding)
        clock.advance(100)
      }
      expect(refusedT).not.toBeNull()
      const t = refusedT as number
      if (t >= 2) {
        // one second before t: still refused, now with one second to wait
        clock.advance(t * 1000 - 100 - 1000)
        const early = await call()
        expect(early?.status).toBe(429)
        expect(check(early as Response, sliding)).toBe(1)
        clock.advance(1000)
      } else clock.advance(t * 1000 - 100)
      // at t: admitted
      const later = await call()
      if (wrapper === 'proxy') expect(later).toBeNull()
      else {
        expect(later!.status).toBe(200)
        check(later as Response, sliding)
      }
    })
  })
})
