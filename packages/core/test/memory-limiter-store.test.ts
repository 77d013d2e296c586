import { describe, expect, it } from 'vitest'
import { createManualClock } from '../src/clock.js'
import { ValidationError } from '../src/errors.js'
import { fixedWindow, slidingWindow, tokenBucket } from '../src/limiter/rules.js'
import type { RuleSpec } from '../src/limiter/types.js'
import { createMemoryLimiterStore } from '../src/memory/memory-limiter-store.js'

const M = 60_000

function setup(sweepEvery?: number) {
  const clock = createManualClock()
  const store = createMemoryLimiterStore(sweepEvery === undefined ? { clock } : { clock, sweepEvery })
  const hit = (key: string, rule: RuleSpec, cost = 1, dryRun = false) =>
    store.consume({ items: [{ key, name: 'r', rule, cost }], dryRun })
  return { clock, store, hit }
}

describe('memory limiter store: bounded memory', () => {
  it('drops a state found expired when touched, without changing the decision', async () => {
    const { clock, store, hit } = setup()
    const fixed = fixedWindow({ limit: 2, window: '1 m' })
    await hit('a', fixed, 2)
    expect(store.size()).toBe(1)
    clock.advance(M - 1)
    expect((await hit('a', fixed, 1, true)).allowed).toBe(false)
    expect(store.size()).toBe(1)
    clock.advance(1)
    expect((await hit('a', fixed, 0, true)).rules[0]!.remaining).toBe(2)
    expect(store.size()).toBe(0)
  })

  it('keeps sliding window state through the next window, drops it after', async () => {
    const { clock, store, hit } = setup()
    const sliding = slidingWindow({ limit: 4, window: '1 m' })
    await hit('s', sliding, 4)
    clock.advance(M + M / 2)
    expect((await hit('s', sliding, 0, true)).rules[0]!.remaining).toBe(2)
    expect(store.size()).toBe(1)
    clock.advance(M / 2)
    expect((await hit('s', sliding, 0, true)).rules[0]!.remaining).toBe(4)
    expect(store.size()).toBe(0)
  })

  it('drops a token bucket once it has refilled completely', async () => {
    const { clock, store, hit } = setup()
    const bucket = tokenBucket({ capacity: 3, refillEvery: '1 s' })
    await hit('b', bucket, 3)
    clock.advance(3_000)
    expect((await hit('b', bucket, 0, true)).rules[0]!.remaining).toBe(3)
    expect(store.size()).toBe(1)
    clock.advance(1)
    expect((await hit('b', bucket, 0, true)).rules[0]!.remaining).toBe(3)
    expect(store.size()).toBe(0)
  })

  it('sweeps keys nobody touches again, even while fresh keys keep coming', async () => {
    const { clock, store, hit } = setup(10)
    const fixed = fixedWindow({ limit: 5, window: '1 m' })
    for (let minute = 0; minute < 50; minute++) {
      for (let i = 0; i < 25; i++) await hit(`m${minute}:k${i}`, fixed)
      clock.advance(M)
    }
    // Only recent minutes' keys can be left: far fewer than the 1 250 written.
    expect(store.size()).toBeLessThanOrEqual(75)
  })

  it('writes nothing on a refused call or a dry run', async () => {
    const { store, hit } = setup()
    const fixed = fixedWindow({ limit: 1, window: '1 m' })
    await hit('dry', fixed, 1, true)
    expect(store.size()).toBe(0)
    await hit('refused', fixed, 2)
    expect(store.size()).toBe(0)
  })

  it('refuses a bad sweepEvery', () => {
    for (const sweepEvery of [0, -1, 1.5, Number.NaN]) {
      expect(() => createMemoryLimiterStore({ sweepEvery })).toThrow(ValidationError)
    }
  })

  it('refuses bad reset arguments', async () => {
    const { store } = setup()
    await expect(store.reset('', ['r'])).rejects.toBeInstanceOf(ValidationError)
    await expect(store.reset('k', [''])).rejects.toBeInstanceOf(ValidationError)
    await expect(store.reset('k', 'r' as unknown as string[])).rejects.toBeInstanceOf(ValidationError)
  })
})
