import {
  type ConsumeItem,
  createManualClock,
  createMemoryLimiterStore,
  fixedWindow,
  type RuleSpec,
  slidingWindow,
  tokenBucket,
} from '@metered/core'
import { Redis as IoRedis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisStores, fromIoredis } from '../src/index.js'
import { limiterKey } from '../src/keys.js'
import { INJECTED_CLOCK_MIN_PX } from '../src/limiter-store.js'
import { redisUrl, uniquePrefix } from './helpers/clients.js'

// The limiter scripts take the dry-run marker or PX floor, and an injected clock's now, as
// optional trailing arguments (lua/limiter-single.ts, lua/limiter-consume.ts): absent on the
// common call. Each combination must still decide on the right clock, write nothing on a dry
// run, and give written state its own PX, or the floor's under an injected clock.
const HOUR = 3_600_000
const rules: Record<string, RuleSpec> = {
  fixed: fixedWindow({ limit: 5, window: '1 h' }),
  sliding: slidingWindow({ limit: 5, window: '1 h' }),
  bucket: tokenBucket({ capacity: 5, refillEvery: '1 h' }),
}
// the longest a state may live without a floor: a fixed window's end, a sliding window's one
// window later, a bucket's refill of what was taken (2 tokens at 1 per hour) plus 1 ms, and 1 ms
// more where the refill's floating-point division rounds up
const maxPx: Record<string, number> = { fixed: HOUR, sliding: 2 * HOUR, bucket: 2 * HOUR + 2 }

describe('redis limiter scripts: optional arguments', () => {
  let io: IoRedis
  beforeAll(async () => {
    io = new IoRedis(redisUrl())
  })
  afterAll(async () => {
    io.disconnect()
  })

  for (const [kind, rule] of Object.entries(rules)) {
    for (const [shape, names] of [
      ['one rule', ['r']],
      ['two rules', ['r', 'extra']],
    ] as const) {
      it(`${kind}, ${shape}, server clock: a dry run writes nothing; a call writes with the state's own PX`, async () => {
        const prefix = uniquePrefix('args')
        const { limiterStore } = createRedisStores(fromIoredis(io), { prefix })
        const items = names.map((name): ConsumeItem => ({ key: 'u', name, rule, cost: 2 }))
        const keys = names.map((name) => limiterKey(prefix, 'u', name))
        const before = Date.now()

        const peek = await limiterStore.consume({ items, dryRun: true })
        expect(peek.rules.map((r) => [r.allowed, r.remaining])).toEqual(names.map(() => [true, 3]))
        expect(await io.exists(...keys)).toBe(0)

        const taken = await limiterStore.consume({ items })
        expect(taken.rules.map((r) => [r.allowed, r.remaining])).toEqual(names.map(() => [true, 3]))
        // Redis TIME on this machine: the same clock as Date.now(), give or take scheduling
        expect(taken.now).toBeGreaterThanOrEqual(before - 60_000)
        expect(taken.now).toBeLessThanOrEqual(Date.now() + 60_000)
        for (const key of keys) {
          const px = await io.pttl(key)
          expect(px).toBeGreaterThan(0)
          expect(px).toBeLessThanOrEqual(maxPx[kind]!)
        }

        const states = await Promise.all(keys.map((key) => io.get(key)))
        const again = await limiterStore.consume({ items, dryRun: true })
        // 1 left in the same window; 3 when a fixed or sliding window rolled over in between
        for (const r of again.rules) expect([1, 3]).toContain(r.remaining)
        expect(await Promise.all(keys.map((key) => io.get(key)))).toEqual(states)
      })

      it(`${kind}, ${shape}, injected clock: decides at it, keeps state for the floor, a dry run writes nothing`, async () => {
        const clock = createManualClock(Date.UTC(2026, 0, 1, 10, 20))
        const prefix = uniquePrefix('args')
        const { limiterStore } = createRedisStores(fromIoredis(io), { prefix, clock })
        const memory = createMemoryLimiterStore({ clock })
        const items = names.map((name): ConsumeItem => ({ key: 'u', name, rule, cost: 2 }))
        const keys = names.map((name) => limiterKey(prefix, 'u', name))

        expect(await limiterStore.consume({ items, dryRun: true })).toEqual(
          await memory.consume({ items, dryRun: true }),
        )
        expect(await io.exists(...keys)).toBe(0)
        for (const advance of [0, 1_000, HOUR]) {
          clock.advance(advance)
          expect(await limiterStore.consume({ items })).toEqual(await memory.consume({ items }))
        }
        for (const key of keys) expect(await io.pttl(key)).toBeGreaterThan(INJECTED_CLOCK_MIN_PX - 60_000)
        const states = await Promise.all(keys.map((key) => io.get(key)))
        expect(await limiterStore.consume({ items, dryRun: true })).toEqual(
          await memory.consume({ items, dryRun: true }),
        )
        expect(await Promise.all(keys.map((key) => io.get(key)))).toEqual(states)
      })
    }
  }

  it('a call whose items have different argument counts (bucket first) finds the trailing now', async () => {
    const clock = createManualClock(Date.UTC(2026, 0, 1, 10, 20))
    const { limiterStore } = createRedisStores(fromIoredis(io), { prefix: uniquePrefix('args'), clock })
    const memory = createMemoryLimiterStore({ clock })
    const items: ConsumeItem[] = [
      { key: 'u', name: 'b', rule: rules.bucket!, cost: 1 },
      { key: 'u', name: 'f', rule: rules.fixed!, cost: 1 },
      { key: 'u', name: 's', rule: rules.sliding!, cost: 1 },
      { key: 'u', name: 'b2', rule: rules.bucket!, cost: 2 },
    ]
    for (const advance of [0, 60_000, 1_800_000, 1_800_000, 1, 0]) {
      clock.advance(advance)
      expect(await limiterStore.consume({ items })).toEqual(await memory.consume({ items }))
    }
  })
})
