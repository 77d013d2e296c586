import { afterEach, describe, expect, it, vi } from 'vitest'
import { createManualClock } from '../src/clock.js'
import { StoreTimeoutError, StoreUnavailableError, ValidationError } from '../src/errors.js'
import { createLimiter } from '../src/limiter/create-limiter.js'
import type { LimiterOptions, Rules } from '../src/limiter/limiter-types.js'
import { fixedWindow, slidingWindow, tokenBucket } from '../src/limiter/rules.js'
import type { ConsumeRequest, LimiterStore } from '../src/limiter/types.js'
import { createMemoryLimiterStore } from '../src/memory/memory-limiter-store.js'

const M = 60_000
const T = 65_536

function setup(extra: Partial<LimiterOptions> = {}) {
  const clock = createManualClock()
  const store = createMemoryLimiterStore({ clock })
  const calls: ConsumeRequest[] = []
  const spy: LimiterStore = {
    consume: (request) => {
      calls.push(request)
      return store.consume(request)
    },
    reset: (key, names) => store.reset(key, names),
  }
  const rules: Rules = {
    minute: fixedWindow({ limit: 3, window: '1 m' }),
    burst: tokenBucket({ capacity: 5, refillEvery: T }),
  }
  const limiter = createLimiter({ store: spy, rules, ...extra })
  return { clock, store, calls, limiter }
}

const throwing: LimiterStore = {
  consume: async () => {
    throw new Error('connection refused')
  },
  reset: async () => {
    throw new Error('connection refused')
  },
}
const hanging: LimiterStore = { consume: () => new Promise(() => {}), reset: () => new Promise(() => {}) }

afterEach(() => {
  vi.useRealTimers()
})

describe('createLimiter: results', () => {
  it('reports every rule and the tightest one on top, in one store call', async () => {
    const { limiter, calls, clock } = setup()
    const r = await limiter.limit('u1')
    expect(calls).toHaveLength(1)
    expect(calls[0]!.items.map((i) => [i.key, i.name, i.cost])).toEqual([
      ['u1', 'minute', 1],
      ['u1', 'burst', 1],
    ])
    expect(r).toEqual({
      ok: true,
      limit: 3,
      remaining: 2,
      reset: clock.now() + M,
      retryAfter: 0,
      rules: [
        { name: 'minute', limit: 3, remaining: 2, reset: clock.now() + M, retryAfter: 0, ok: true },
        { name: 'burst', limit: 5, remaining: 4, reset: clock.now() + T, retryAfter: 0, ok: true },
      ],
    })
    expect('reason' in r).toBe(false)
  })

  it('refuses with rate_limited, the refusing rule on top, and consumes nothing', async () => {
    const { limiter, clock } = setup()
    for (let i = 0; i < 3; i++) expect((await limiter.limit('u2')).ok).toBe(true)
    clock.advance(10_000)
    const r = await limiter.limit('u2')
    expect(r).toMatchObject({ ok: false, reason: 'rate_limited', limit: 3, remaining: 0, retryAfter: 50_000 })
    // burst admitted but was not consumed: its real state (2 left) is reported, not 1.
    expect(r.rules.map((x) => [x.name, x.ok, x.remaining])).toEqual([
      ['minute', false, 0],
      ['burst', true, 2],
    ])
    expect((await limiter.peek('u2')).rules[1]!.remaining).toBe(2)
  })

  it('retryAfter is the longest wait among refusing rules', async () => {
    const { limiter } = setup()
    await limiter.limit('u3', { cost: 3 })
    const r = await limiter.limit('u3', { cost: 3 })
    // minute: the window ends in 60 s; burst: 1 token short at 1 per T.
    expect(r.rules.map((x) => x.retryAfter)).toEqual([M, T])
    expect(r.retryAfter).toBe(T)
  })

  it('takes per-rule costs; names left out cost 1, names of no rule are ignored', async () => {
    const { limiter, calls } = setup()
    const r = await limiter.limit('u4', { cost: { burst: 3, nonexistent: 7 } })
    expect(calls[0]!.items.map((i) => i.cost)).toEqual([1, 3])
    expect(r.rules.map((x) => x.remaining)).toEqual([2, 2])
    const all = await limiter.limit('u4', { cost: 2 })
    expect(all.rules.map((x) => x.remaining)).toEqual([0, 0])
  })

  it('cost 0 only checks', async () => {
    const { limiter } = setup()
    const r = await limiter.limit('u5', { cost: 0 })
    expect(r).toMatchObject({ ok: true, remaining: 3 })
    expect((await limiter.limit('u5', { cost: 0 })).remaining).toBe(3)
  })

  it('applies only the named rules', async () => {
    const { limiter, calls } = setup()
    const r = await limiter.limit('u6', { rules: ['burst'] })
    expect(calls[0]!.items.map((i) => i.name)).toEqual(['burst'])
    expect(r).toMatchObject({ ok: true, limit: 5, remaining: 4 })
    expect((await limiter.peek('u6')).rules.map((x) => x.remaining)).toEqual([3, 4])
  })

  it('chooses rules per caller', async () => {
    const clock = createManualClock()
    const free = { day: fixedWindow({ limit: 2, window: '1 d' }) }
    const pro = { day: fixedWindow({ limit: 100, window: '1 d' }), minute: slidingWindow({ limit: 10, window: '1 m' }) }
    const limiter = createLimiter({
      store: createMemoryLimiterStore({ clock }),
      rules: (ctx) => (ctx.plan === 'pro' ? pro : free),
    })
    expect(limiter.rulesFor({ plan: 'pro' })).toBe(pro)
    expect(limiter.rulesFor()).toBe(free)
    expect(await limiter.limit('p1', { ctx: { plan: 'pro' } })).toMatchObject({ limit: 10, remaining: 9 })
    expect((await limiter.limit('f1')).rules.map((x) => x.name)).toEqual(['day'])
    await limiter.limit('f1')
    expect((await limiter.limit('f1')).ok).toBe(false)
    expect((await limiter.limit('f1', { ctx: { plan: 'pro' } })).ok).toBe(true)
  })

  it('admits exactly the limit under parallel callers', async () => {
    const limiter = createLimiter({
      store: createMemoryLimiterStore(),
      rules: { tight: fixedWindow({ limit: 37, window: '1 h' }), loose: slidingWindow({ limit: 80, window: '1 h' }) },
    })
    const results = await Promise.all(Array.from({ length: 200 }, () => limiter.limit('crowd')))
    expect(results.filter((r) => r.ok)).toHaveLength(37)
    expect(results.filter((r) => r.reason === 'rate_limited')).toHaveLength(163)
    expect((await limiter.peek('crowd')).rules.map((r) => r.remaining)).toEqual([0, 43])
  })

  it('prefixes keys so limiters can share a store', async () => {
    const clock = createManualClock()
    const store = createMemoryLimiterStore({ clock })
    const rules = { minute: fixedWindow({ limit: 1, window: '1 m' }) }
    const a = createLimiter({ store, rules, prefix: 'a:' })
    const b = createLimiter({ store, rules, prefix: 'b:' })
    expect((await a.limit('same')).ok).toBe(true)
    expect((await a.limit('same')).ok).toBe(false)
    expect((await b.limit('same')).ok).toBe(true)
    const raw = await store.consume({ items: [{ key: 'a:same', name: 'minute', rule: rules.minute, cost: 0 }] })
    expect(raw.rules[0]!.remaining).toBe(0)
  })
})

describe('createLimiter: peek and reset', () => {
  it('peek reports the state as it is and whether one more call would pass', async () => {
    const { limiter, clock, calls } = setup()
    const fresh = await limiter.peek('k1')
    expect(fresh).toMatchObject({ ok: true, remaining: 3, retryAfter: 0 })
    expect(calls).toHaveLength(1)
    expect(calls[0]!.dryRun).toBe(true)
    await limiter.limit('k1', { cost: 3 })
    clock.advance(15_000)
    const full = await limiter.peek('k1')
    expect(full).toMatchObject({ ok: false, reason: 'rate_limited', limit: 3, remaining: 0, retryAfter: 45_000 })
    expect(full.rules.map((x) => [x.ok, x.remaining])).toEqual([
      [false, 0],
      [true, 2],
    ])
    expect(await limiter.peek('k1')).toEqual(full)
    expect((await limiter.peek('k1', { rules: ['burst'] })).ok).toBe(true)
  })

  it('peek on a fractional token bucket', async () => {
    const { limiter, clock } = setup()
    await limiter.limit('k2', { cost: { burst: 5 } })
    clock.advance(T / 2)
    expect(await limiter.peek('k2', { rules: ['burst'] })).toMatchObject({
      ok: false,
      remaining: 0,
      retryAfter: T / 2,
      reset: clock.now() + 4.5 * T,
    })
  })

  it('reset forgets all or the given rules', async () => {
    const { limiter } = setup()
    await limiter.limit('k3', { cost: 3 })
    await limiter.reset('k3', { rules: ['minute'] })
    expect((await limiter.peek('k3')).rules.map((x) => x.remaining)).toEqual([3, 2])
    await limiter.reset('k3')
    expect((await limiter.peek('k3')).rules.map((x) => x.remaining)).toEqual([3, 5])
  })

  it('reset of a failing store throws a store error, never the raw one', async () => {
    const limiter = createLimiter({ store: throwing, rules: { m: fixedWindow({ limit: 1, window: '1 m' }) } })
    await expect(limiter.reset('k')).rejects.toBeInstanceOf(StoreUnavailableError)
    const slow = createLimiter({ store: hanging, rules: { m: fixedWindow({ limit: 1, window: '1 m' }) }, timeout: 20 })
    await expect(slow.reset('k')).rejects.toBeInstanceOf(StoreTimeoutError)
  })
})

describe('createLimiter: validation', () => {
  const rules = { m: fixedWindow({ limit: 1, window: '1 m' }) }
  const store = createMemoryLimiterStore()

  it('refuses bad options', () => {
    const bad: unknown[] = [
      { store, rules: {} },
      { store, rules: { '': rules.m } },
      { store, rules: { ['x'.repeat(101)]: rules.m } },
      { store, rules: { m: { ...rules.m, limit: 0 } } },
      { store, rules: { b: { kind: 'token_bucket', limit: 5, windowMs: 1000, refillAmount: 0 } } },
      { store, rules: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`r${i}`, rules.m])) },
      { rules },
      { store: {}, rules },
      { store, rules, timeout: 'soon' },
      { store, rules, timeout: 0 },
      { store, rules, onStoreError: 'maybe' },
      { store, rules, onStoreError: { fallback: null } },
      { store, rules, prefix: 'p'.repeat(101) },
      { store, rules, unknownOption: true },
    ]
    for (const options of bad) expect(() => createLimiter(options as LimiterOptions)).toThrow(ValidationError)
  })

  it('refuses bad keys, costs and rule names without touching the store', async () => {
    const consume = vi.fn(store.consume)
    const limiter = createLimiter({ store: { consume, reset: store.reset }, rules, prefix: 'pre:' })
    const attempts: Array<() => Promise<unknown>> = [
      () => limiter.limit(''),
      () => limiter.limit(42 as unknown as string),
      () => limiter.limit('k'.repeat(197)),
      () => limiter.limit('k', { cost: -1 }),
      () => limiter.limit('k', { cost: 1.5 }),
      () => limiter.limit('k', { cost: Number.NaN }),
      () => limiter.limit('k', { cost: { m: -2 } }),
      () => limiter.limit('k', { rules: ['nope'] }),
      () => limiter.limit('k', { rules: [] }),
      () => limiter.limit('k', { extra: 1 } as never),
      () => limiter.peek(''),
      () => limiter.reset(''),
    ]
    for (const attempt of attempts) await expect(attempt()).rejects.toBeInstanceOf(ValidationError)
    expect(consume).not.toHaveBeenCalled()
  })

  it('validates what a rules function returns', async () => {
    const limiter = createLimiter({ store, rules: () => ({}) })
    await expect(limiter.limit('k')).rejects.toBeInstanceOf(ValidationError)
  })
})

describe('createLimiter: store failure policy', () => {
  const rules = { m: fixedWindow({ limit: 2, window: '1 m' }), b: tokenBucket({ capacity: 4, refillEvery: '1 m' }) }

  it('deny (the default): refuses with store_unavailable and reports the error', async () => {
    const onError = vi.fn()
    const limiter = createLimiter({ store: throwing, rules, onError })
    const r = await limiter.limit('k')
    expect(r).toMatchObject({ ok: false, reason: 'store_unavailable', remaining: 0, retryAfter: 1_000 })
    expect(r.rules.map((x) => x.ok)).toEqual([false, false])
    expect(onError).toHaveBeenCalledOnce()
    const error = onError.mock.calls[0]![0] as StoreUnavailableError
    expect(error).toBeInstanceOf(StoreUnavailableError)
    expect((error.cause as Error).message).toBe('connection refused')
    expect(await limiter.peek('k')).toMatchObject({ ok: false, reason: 'store_unavailable' })
  })

  it('allow: admits with store_unavailable', async () => {
    const limiter = createLimiter({ store: throwing, rules, onStoreError: 'allow' })
    const r = await limiter.limit('k')
    expect(r).toMatchObject({ ok: true, reason: 'store_unavailable', retryAfter: 0, limit: 2, remaining: 2 })
  })

  it('a store that throws synchronously, or answers garbage, is a failure too', async () => {
    const sync: LimiterStore = {
      consume: () => {
        throw new TypeError('boom')
      },
      reset: async () => {},
    }
    const garbage: LimiterStore = { consume: async () => ({ allowed: true }) as never, reset: async () => {} }
    for (const store of [sync, garbage]) {
      const r = await createLimiter({ store, rules }).limit('k')
      expect(r).toMatchObject({ ok: false, reason: 'store_unavailable' })
    }
    const onErrorThrows = createLimiter({
      store: sync,
      rules,
      onError: () => {
        throw new Error('logger down')
      },
    })
    expect((await onErrorThrows.limit('k')).reason).toBe('store_unavailable')
  })

  for (const [policy, ok] of [
    ['deny', false],
    ['allow', true],
  ] as const) {
    it(`a store that never answers is cut at the timeout (${policy})`, async () => {
      const onError = vi.fn()
      const limiter = createLimiter({ store: hanging, rules, timeout: '50 ms', onStoreError: policy, onError })
      const started = performance.now()
      const r = await limiter.limit('k')
      const took = performance.now() - started
      expect(took).toBeGreaterThanOrEqual(45)
      expect(took).toBeLessThan(1_000)
      expect(r).toMatchObject({ ok, reason: 'store_unavailable' })
      expect(onError.mock.calls[0]![0]).toBeInstanceOf(StoreTimeoutError)
    })
  }

  it('a late failure after the timeout is swallowed', async () => {
    const late: LimiterStore = {
      consume: () => new Promise((_, reject) => setTimeout(() => reject(new Error('late')), 60)),
      reset: async () => {},
    }
    const r = await createLimiter({ store: late, rules, timeout: 10 }).limit('k')
    expect(r.reason).toBe('store_unavailable')
    // vitest fails the run on an unhandled rejection; give it time to happen.
    await new Promise((resolve) => setTimeout(resolve, 100))
  })

  it('leaves no timer behind', async () => {
    vi.useFakeTimers()
    const limiter = createLimiter({ store: createMemoryLimiterStore(), rules, timeout: '1 h' })
    await limiter.limit('k')
    await limiter.peek('k')
    expect(vi.getTimerCount()).toBe(0)
  })

  it('fallback: asks the fallback store, still reporting store_unavailable', async () => {
    const clock = createManualClock()
    const fallback = createMemoryLimiterStore({ clock })
    const limiter = createLimiter({ store: throwing, rules, onStoreError: { fallback } })
    expect(await limiter.limit('k')).toMatchObject({ ok: true, reason: 'store_unavailable', remaining: 1 })
    expect(await limiter.limit('k')).toMatchObject({ ok: true, reason: 'store_unavailable', remaining: 0 })
    // The fallback's own refusal is a refusal.
    expect(await limiter.limit('k')).toMatchObject({ ok: false, reason: 'store_unavailable', retryAfter: M })
    expect(await limiter.peek('k')).toMatchObject({ ok: false, reason: 'store_unavailable', remaining: 0 })
    // Works for a slow main store as well.
    const slow = createLimiter({ store: hanging, rules, onStoreError: { fallback }, timeout: 20 })
    expect(await slow.limit('other')).toMatchObject({ ok: true, reason: 'store_unavailable', remaining: 1 })
  })

  it('reset resets the fallback too, best effort', async () => {
    const fallback = createMemoryLimiterStore()
    const main = createMemoryLimiterStore()
    const limiter = createLimiter({ store: main, rules, onStoreError: { fallback } })
    await fallback.consume({ items: [{ key: 'k', name: 'm', rule: rules.m, cost: 2 }] })
    await limiter.reset('k')
    const r = await fallback.consume({ items: [{ key: 'k', name: 'm', rule: rules.m, cost: 0 }] })
    expect(r.rules[0]!.remaining).toBe(2)
    const failingFallback = createLimiter({ store: main, rules, onStoreError: { fallback: throwing } })
    await expect(failingFallback.reset('k')).resolves.toBeUndefined()
  })

  it('fallback failing too: deny', async () => {
    const onError = vi.fn()
    const limiter = createLimiter({ store: throwing, rules, onStoreError: { fallback: hanging }, timeout: 20, onError })
    expect(await limiter.limit('k')).toMatchObject({ ok: false, reason: 'store_unavailable' })
    expect(onError).toHaveBeenCalledTimes(2)
  })
})
