import { expect } from 'vitest'
import { fixedWindow, slidingWindow, tokenBucket } from '../limiter/rules.js'
import type { ConsumeRequest } from '../limiter/types.js'
import { alignTo, item, type LimiterCheck, one, peekRemaining } from './limiter-check-context.js'

const H = 3_600_000

/** Items come back in request order, echo key, name and limit, and carry the store's `now`. */
export const resultShape: LimiterCheck = async ({ store, clock, key }) => {
  const k = key('shape')
  clock.advance(1)
  const c = tokenBucket({ capacity: 4, refillEvery: '1 h' })
  const a = fixedWindow({ limit: 2, window: '1 h' })
  const b = slidingWindow({ limit: 3, window: '1 h' })
  const result = await store.consume({ items: [item(k, 'c', c), item(k, 'a', a), item(k, 'b', b)] })
  expect(result.allowed).toBe(true)
  expect(result.now).toBe(clock.now())
  expect(result.rules.map((r) => [r.key, r.name, r.limit, r.remaining, r.allowed])).toEqual([
    [k, 'c', 4, 3, true],
    [k, 'a', 2, 1, true],
    [k, 'b', 3, 2, true],
  ])
  for (const r of result.rules) {
    for (const n of [r.remaining, r.reset, r.retryAfter]) expect(Number.isSafeInteger(n)).toBe(true)
  }
}

/**
 * All or nothing: when one rule refuses, no rule is consumed, whatever its kind and position,
 * and whether the items share a key or not.
 */
export const multiRuleAtomicity: LimiterCheck = async ({ store, clock, key }) => {
  const k = key('atomic')
  const roomy = fixedWindow({ limit: 10, window: '1 h' })
  const bucket = tokenBucket({ capacity: 10, refillEvery: '1 h' })
  const tight = fixedWindow({ limit: 2, window: '1 h' })
  alignTo(clock, H, 1)
  const items = [item(k, 'roomy', roomy), item(k, 'bucket', bucket), item(k, 'tight', tight)]
  expect((await store.consume({ items })).allowed).toBe(true)
  expect((await store.consume({ items })).allowed).toBe(true)
  for (let i = 0; i < 3; i++) {
    const refused = await store.consume({ items })
    expect(refused.allowed).toBe(false)
    expect(refused.rules.map((r) => r.allowed)).toEqual([true, true, false])
  }
  // Refusing rule first this time.
  expect((await store.consume({ items: [item(k, 'tight', tight), item(k, 'roomy', roomy, 3)] })).allowed).toBe(false)
  expect(await peekRemaining(store, k, 'roomy', roomy)).toBe(8)
  expect(await peekRemaining(store, k, 'bucket', bucket)).toBe(8)
  expect(await peekRemaining(store, k, 'tight', tight)).toBe(0)

  // Items on different keys are all-or-nothing together as well.
  const user = key('atomic-user')
  const ip = key('atomic-ip')
  await one(store, ip, 'ip', tight, 2)
  const mixed = await store.consume({ items: [item(user, 'user', roomy, 4), item(ip, 'ip', tight)] })
  expect(mixed.allowed).toBe(false)
  expect(await peekRemaining(store, user, 'user', roomy)).toBe(10)
}

/** A dry run reports the decision and consumes nothing, admitted or not. */
export const dryRunConsumesNothing: LimiterCheck = async ({ store, clock, key }) => {
  const k = key('dry')
  const f = fixedWindow({ limit: 3, window: '1 h' })
  const s = slidingWindow({ limit: 3, window: '1 h' })
  const b = tokenBucket({ capacity: 3, refillEvery: '1 h' })
  alignTo(clock, H, 5)
  const items = (cost: number) => [item(k, 'f', f, cost), item(k, 's', s, cost), item(k, 'b', b, cost)]
  for (let i = 0; i < 4; i++) {
    const r = await store.consume({ items: items(2), dryRun: true })
    expect(r.allowed).toBe(true)
    expect(r.rules.map((x) => x.remaining)).toEqual([1, 1, 1])
  }
  expect((await store.consume({ items: items(4), dryRun: true })).allowed).toBe(false)
  const real = await store.consume({ items: items(3) })
  expect(real.allowed).toBe(true)
  expect(real.rules.map((x) => x.remaining)).toEqual([0, 0, 0])
  const after = await store.consume({ items: items(1), dryRun: true })
  expect(after.allowed).toBe(false)
  for (const r of after.rules) expect(r.retryAfter).toBeGreaterThan(0)
  expect((await store.consume({ items: items(1), dryRun: true })).rules.map((x) => x.remaining)).toEqual([0, 0, 0])
}

/** reset forgets exactly the named (key, name) states. */
export const resetClears: LimiterCheck = async ({ store, clock, key }) => {
  const k = key('reset')
  const other = key('reset-other')
  const a = fixedWindow({ limit: 2, window: '1 h' })
  const b = slidingWindow({ limit: 2, window: '1 h' })
  const c = tokenBucket({ capacity: 2, refillEvery: '1 h' })
  clock.advance(1)
  expect((await store.consume({ items: [item(k, 'a', a, 2), item(k, 'b', b, 2), item(k, 'c', c, 2)] })).allowed).toBe(
    true,
  )
  await one(store, other, 'a', a, 2)
  await store.reset(k, ['a', 'c'])
  expect(await peekRemaining(store, k, 'a', a)).toBe(2)
  expect(await peekRemaining(store, k, 'b', b)).toBe(0)
  expect(await peekRemaining(store, k, 'c', c)).toBe(2)
  expect(await peekRemaining(store, other, 'a', a)).toBe(0)
  await store.reset(k, [])
  expect(await peekRemaining(store, k, 'b', b)).toBe(0)
  await store.reset(k, ['b', 'never-used'])
  expect(await peekRemaining(store, k, 'b', b)).toBe(2)
  await store.reset(key('reset-unknown'), ['a'])
  // After a reset the rule starts fresh and counts again.
  expect(await one(store, k, 'a', a, 2)).toMatchObject({ allowed: true, remaining: 0 })
  expect((await one(store, k, 'a', a)).allowed).toBe(false)
}

/** Cost 0 only checks: it consumes nothing and never refuses a call, even on an exhausted rule. */
export const costZeroChecksOnly: LimiterCheck = async ({ store, clock, key }) => {
  const k = key('zero')
  const f = fixedWindow({ limit: 2, window: '1 h' })
  const s = slidingWindow({ limit: 2, window: '1 h' })
  const b = tokenBucket({ capacity: 2, refillEvery: '1 h' })
  alignTo(clock, H, 10)
  const zero = await store.consume({ items: [item(k, 'f', f, 0), item(k, 's', s, 0), item(k, 'b', b, 0)] })
  expect(zero.allowed).toBe(true)
  expect(zero.rules.map((r) => [r.remaining, r.retryAfter])).toEqual([
    [2, 0],
    [2, 0],
    [2, 0],
  ])
  expect((await store.consume({ items: [item(k, 'f', f, 2), item(k, 's', s, 2), item(k, 'b', b, 2)] })).allowed).toBe(
    true,
  )
  const fresh = fixedWindow({ limit: 5, window: '1 h' })
  const mixed = await store.consume({
    items: [item(k, 'f', f, 0), item(k, 's', s, 0), item(k, 'b', b, 0), item(k, 'fresh', fresh, 1)],
  })
  expect(mixed.allowed).toBe(true)
  expect(mixed.rules.map((r) => [r.allowed, r.remaining])).toEqual([
    [true, 0],
    [true, 0],
    [true, 0],
    [true, 4],
  ])
}

/** State is per (key, name): other keys and other names are untouched. */
export const perItemKeys: LimiterCheck = async ({ store, clock, key }) => {
  const k1 = key('item-1')
  const k2 = key('item-2')
  const rule = fixedWindow({ limit: 3, window: '1 h' })
  alignTo(clock, H, 20)
  const r = await store.consume({ items: [item(k1, 'n', rule, 3), item(k2, 'n', rule, 1)] })
  expect(r.rules.map((x) => [x.key, x.remaining])).toEqual([
    [k1, 0],
    [k2, 2],
  ])
  expect(await peekRemaining(store, k1, 'n', rule)).toBe(0)
  expect(await peekRemaining(store, k2, 'n', rule)).toBe(2)
  expect(await peekRemaining(store, k1, 'other', rule)).toBe(3)
  expect(await peekRemaining(store, key('item-3'), 'n', rule)).toBe(3)
}

/** Bad requests throw a validation error (code `validation_error`) and consume nothing. */
export const invalidRequestsRejected: LimiterCheck = async ({ store, clock, key }) => {
  const k = key('invalid')
  clock.advance(1)
  const rule = fixedWindow({ limit: 5, window: '1 h' })
  const good = item(k, 'good', rule, 1)
  const withBad = (patch: Record<string, unknown>) => ({ items: [good, { ...good, name: 'bad', ...patch }] })
  const bad: Array<[string, unknown]> = [
    ['no items', { items: [] }],
    ['limit 0', withBad({ rule: { ...rule, limit: 0 } })],
    ['fractional limit', withBad({ rule: { ...rule, limit: 2.5 } })],
    ['window 0', withBad({ rule: { ...rule, windowMs: 0 } })],
    ['unknown kind', withBad({ rule: { ...rule, kind: 'leaky_bucket' } })],
    ['negative refill', withBad({ rule: { ...rule, refillAmount: -1 } })],
    ['bucket without refill', withBad({ rule: { ...rule, kind: 'token_bucket', refillAmount: 0 } })],
    ['sliding limit * window past 2^53', withBad({ rule: { ...rule, kind: 'sliding_window', limit: 2 ** 40 } })],
    ['negative cost', withBad({ cost: -1 })],
    ['fractional cost', withBad({ cost: 1.5 })],
    ['NaN cost', withBad({ cost: Number.NaN })],
    ['infinite cost', withBad({ cost: Number.POSITIVE_INFINITY })],
    ['string cost', withBad({ cost: '1' })],
    ['empty key', withBad({ key: '' })],
    ['key too long', withBad({ key: 'k'.repeat(201) })],
    ['empty name', withBad({ name: '' })],
    ['name too long', withBad({ name: 'n'.repeat(101) })],
    ['unknown field', withBad({ extra: true })],
    ['duplicate (key, name)', { items: [good, { ...good, cost: 2 }] }],
    ['too many items', { items: Array.from({ length: 33 }, (_, i) => ({ ...good, name: `n${i}` })) }],
    ['dryRun not boolean', { items: [good], dryRun: 'yes' }],
  ]
  for (const [what, request] of bad) {
    // Called inside an async function so a synchronous throw counts as a rejection too.
    const attempt = (async () => store.consume(request as ConsumeRequest))()
    await expect(attempt, what).rejects.toMatchObject({ code: 'validation_error' })
  }
  expect(await peekRemaining(store, k, 'good', rule)).toBe(5)
  expect(await peekRemaining(store, k, 'n0', rule)).toBe(5)
}

/**
 * Hundreds of parallel callers on a 3-rule request whose tightest rule admits 37: exactly 37
 * are admitted, each sees a distinct remaining count, and every rule is left exact.
 */
export const concurrentConsumesAreExact: LimiterCheck = async ({ store, clock, key, concurrency }) => {
  const k = key('concurrent')
  const tight = fixedWindow({ limit: 37, window: '1 h' })
  const sliding = slidingWindow({ limit: 50, window: '1 h' })
  const bucket = tokenBucket({ capacity: 100, refillEvery: '1 h' })
  alignTo(clock, H, 30)
  const items = [item(k, 'sliding', sliding), item(k, 'tight', tight), item(k, 'bucket', bucket)]
  const results = await Promise.all(Array.from({ length: concurrency }, () => store.consume({ items })))
  const admitted = results.filter((r) => r.allowed)
  const expected = Math.min(37, concurrency)
  expect(admitted.length).toBe(expected)
  const seen = admitted.map((r) => r.rules[1]!.remaining).sort((x, y) => x - y)
  expect(seen).toEqual(Array.from({ length: expected }, (_, i) => 37 - expected + i))
  expect(await peekRemaining(store, k, 'tight', tight)).toBe(37 - expected)
  expect(await peekRemaining(store, k, 'sliding', sliding)).toBe(50 - expected)
  expect(await peekRemaining(store, k, 'bucket', bucket)).toBe(100 - expected)
}
