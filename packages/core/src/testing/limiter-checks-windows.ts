import { expect } from 'vitest'
import { fixedWindow, slidingWindow, tokenBucket } from '../limiter/rules.js'
import { alignTo, type LimiterCheck, one, peekRemaining } from './limiter-check-context.js'

/*
 * The arithmetic of each rule kind, with numbers worked out by hand from algorithms.ts.
 * Windows are a minute or longer (and buckets refill over ~a minute) on purpose: stores that
 * expire state in real time (Redis PEXPIRE) must not drop it while a slow check still runs.
 * Token buckets use 65 536 ms so the refill rate (a power of two) is exact in floating point.
 */

const M = 60_000
const H = 3_600_000
const T = 65_536

/** A fixed window admits exactly `limit` units, then refuses until the window ends. */
export const fixedWindowAdmitsLimitThenRefuses: LimiterCheck = async ({ store, clock, key }) => {
  const rule = fixedWindow({ limit: 5, window: '1 m' })
  const k = key('fixed')
  const start = alignTo(clock, M, 10_000)
  for (let i = 1; i <= 5; i++) {
    const r = await one(store, k, 'f', rule)
    expect(r.result.allowed).toBe(true)
    expect(r).toMatchObject({
      key: k,
      name: 'f',
      limit: 5,
      allowed: true,
      remaining: 5 - i,
      reset: start + M,
      retryAfter: 0,
    })
  }
  const refused = await one(store, k, 'f', rule)
  expect(refused.result.allowed).toBe(false)
  expect(refused).toMatchObject({ allowed: false, remaining: 0, reset: start + M, retryAfter: 50_000 })

  // A cost larger than what is left is refused whole, and takes nothing.
  const k2 = key('fixed-cost')
  expect((await one(store, k2, 'f', rule, 4)).remaining).toBe(1)
  expect(await one(store, k2, 'f', rule, 2)).toMatchObject({ allowed: false, remaining: 1, retryAfter: 50_000 })
  expect(await one(store, k2, 'f', rule, 1)).toMatchObject({ allowed: true, remaining: 0 })
}

/** A fixed window starts afresh exactly at its (epoch-aligned) boundary, by the store's clock. */
export const fixedWindowResetsAtBoundary: LimiterCheck = async ({ store, clock, key }) => {
  const rule = fixedWindow({ limit: 3, window: '1 h' })
  const k = key('fixed-boundary')
  const start = alignTo(clock, H, 1_000)
  const first = await one(store, k, 'f', rule, 3)
  expect(first.result.now).toBe(start + 1_000)
  expect(first).toMatchObject({ allowed: true, remaining: 0, reset: start + H })

  clock.set(start + H - 1)
  expect(await one(store, k, 'f', rule)).toMatchObject({
    allowed: false,
    remaining: 0,
    retryAfter: 1,
    reset: start + H,
  })

  clock.set(start + H)
  expect(await one(store, k, 'f', rule)).toMatchObject({ allowed: true, remaining: 2, reset: start + 2 * H })

  // Long idle: any later window is fresh too.
  clock.set(start + 5 * H + 7)
  expect(await one(store, k, 'f', rule, 0, true)).toMatchObject({ remaining: 3, reset: start + 6 * H })
}

/**
 * Sliding window, limit 10 per minute, 10 used at the start of window 0. At a fraction p into
 * window 1 the previous window weighs 10 * (1 - p): remaining = floor(10 - 10 * (1 - p)).
 */
export const slidingWindowWeighting: LimiterCheck = async ({ store, clock, key }) => {
  const rule = slidingWindow({ limit: 10, window: '1 m' })
  const points: Array<[number, number]> = [
    [0, 0],
    [0.25, 2],
    [0.5, 5],
    [0.9, 9],
    [0.95, 9],
    [1, 10],
    [1.5, 10],
  ]
  for (const [p, remaining] of points) {
    const k = key(`sliding-${p}`)
    const start = alignTo(clock, M)
    expect((await one(store, k, 's', rule, 10)).allowed).toBe(true)
    clock.set(start + M + Math.round(p * M))
    const seen = await one(store, k, 's', rule, 0, true)
    // reset: when every counted unit has slid out (window 0 is counted until window 1 ends).
    const reset = p < 1 ? start + 2 * M : clock.now()
    expect(seen, `at ${p * 100}% into the next window`).toMatchObject({ allowed: true, remaining, reset })
  }

  // 25% into window 1 in detail: prev = 10 weighs 7.5.
  const k = key('sliding-detail')
  const start = alignTo(clock, M)
  await one(store, k, 's', rule, 10)
  clock.set(start + M + 15_000)
  // 7.5 + 3 > 10; it fits once prev weighs 7, i.e. 42 000 ms of window 0 left: 3 000 ms from now.
  expect(await one(store, k, 's', rule, 3, true)).toMatchObject({ allowed: false, remaining: 2, retryAfter: 3_000 })
  expect(await one(store, k, 's', rule, 2)).toMatchObject({ allowed: true, remaining: 0, reset: start + 3 * M })
  expect(await one(store, k, 's', rule, 1)).toMatchObject({ allowed: false, remaining: 0, retryAfter: 3_000 })
  // 9 more only fit in window 2, once the 2 of window 1 weigh 1: 30 000 ms into it.
  expect(await one(store, k, 's', rule, 9, true)).toMatchObject({ allowed: false, retryAfter: 45_000 + 30_000 })
  // More than the limit never fits; retryAfter points at the full reset.
  expect(await one(store, k, 's', rule, 11, true)).toMatchObject({ allowed: false, retryAfter: 105_000 })
  clock.advance(2_999)
  expect((await one(store, k, 's', rule, 1, true)).allowed).toBe(false)
  clock.advance(1)
  expect(await one(store, k, 's', rule, 1)).toMatchObject({ allowed: true, remaining: 0 })

  // At the very start of window 1 the previous window weighs all 10: 1 more fits 6 000 ms later.
  const k2 = key('sliding-start')
  const start2 = alignTo(clock, M)
  await one(store, k2, 's', rule, 10)
  clock.set(start2 + M)
  expect(await one(store, k2, 's', rule, 1)).toMatchObject({ allowed: false, remaining: 0, retryAfter: 6_000 })
  clock.advance(6_000)
  expect(await one(store, k2, 's', rule, 1)).toMatchObject({ allowed: true, remaining: 0, reset: start2 + 3 * M })
}

/** A token bucket starts full, bursts to capacity, then refills continuously (fractions add up). */
export const tokenBucketBurstAndRefill: LimiterCheck = async ({ store, clock, key }) => {
  const rule = tokenBucket({ capacity: 5, refillEvery: T })
  const k = key('bucket')
  alignTo(clock, T)
  const t0 = clock.now()
  for (let i = 1; i <= 5; i++) {
    expect(await one(store, k, 'b', rule)).toMatchObject({
      allowed: true,
      remaining: 5 - i,
      retryAfter: 0,
      reset: t0 + i * T,
    })
  }
  expect(await one(store, k, 'b', rule)).toMatchObject({
    allowed: false,
    remaining: 0,
    retryAfter: T,
    reset: t0 + 5 * T,
  })

  clock.advance(T / 2)
  expect(await one(store, k, 'b', rule)).toMatchObject({ allowed: false, remaining: 0, retryAfter: T / 2 })
  // An admitted cost-0 call stores the half token; it must not be lost.
  expect(await one(store, k, 'b', rule, 0)).toMatchObject({ allowed: true, remaining: 0, reset: clock.now() + 4.5 * T })
  clock.advance(T / 4)
  expect(await one(store, k, 'b', rule)).toMatchObject({ allowed: false, remaining: 0, retryAfter: T / 4 })
  clock.advance(T / 4)
  expect(await one(store, k, 'b', rule)).toMatchObject({ allowed: true, remaining: 0, reset: clock.now() + 5 * T })

  // Refill stops at capacity.
  clock.advance(100 * T)
  expect(await one(store, k, 'b', rule, 0, true)).toMatchObject({ allowed: true, remaining: 5, reset: clock.now() })
  expect(await peekRemaining(store, k, 'b', rule)).toBe(5)
}

/** Costs above one and refill amounts above one. */
export const tokenBucketCosts: LimiterCheck = async ({ store, clock, key }) => {
  const rule = tokenBucket({ capacity: 10, refillEvery: T, refillAmount: 2 })
  const k = key('bucket-cost')
  clock.advance(1)
  expect(await one(store, k, 'b', rule, 4)).toMatchObject({ allowed: true, remaining: 6, reset: clock.now() + 2 * T })
  // 1 token short at 2 per T: T / 2.
  expect(await one(store, k, 'b', rule, 7)).toMatchObject({ allowed: false, remaining: 6, retryAfter: T / 2 })
  expect(await one(store, k, 'b', rule, 6)).toMatchObject({ allowed: true, remaining: 0, reset: clock.now() + 5 * T })
  clock.advance(T)
  expect(await one(store, k, 'b', rule, 3)).toMatchObject({ allowed: false, remaining: 2, retryAfter: T / 2 })
  expect(await one(store, k, 'b', rule, 2)).toMatchObject({ allowed: true, remaining: 0 })
  expect((await one(store, k, 'b', rule, 11)).allowed).toBe(false)
  clock.advance(3 * T + T / 4)
  expect(await one(store, k, 'b', rule, 0, true)).toMatchObject({ remaining: 6, reset: clock.now() + 2 * T - T / 4 })
}

/**
 * `retryAfter` of a refused bucket call is exact: refused a millisecond before, admitted at it. At
 * one token an hour the refill is not exact in floating point (1 / 3,600,000 per ms), and
 * `ceil(missing / rate)` lands a millisecond short: the bucket then holds 0.9999999999999999.
 */
export const tokenBucketRetryAfterIsExact: LimiterCheck = async ({ store, clock, key }) => {
  const rule = tokenBucket({ capacity: 2, refillEvery: H })
  const k = key('bucket-exact')
  expect((await one(store, k, 'b', rule, 2)).allowed).toBe(true)
  clock.advance(1)
  const refused = await one(store, k, 'b', rule)
  expect(refused).toMatchObject({ allowed: false, retryAfter: H })
  clock.advance(refused.retryAfter - 1)
  expect(await one(store, k, 'b', rule)).toMatchObject({ allowed: false, retryAfter: 1 })
  clock.advance(1)
  expect((await one(store, k, 'b', rule)).allowed).toBe(true)
}
