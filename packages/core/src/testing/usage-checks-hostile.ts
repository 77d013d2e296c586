import { expect } from 'vitest'
import { ALL_ACCOUNTS } from '../usage/all-accounts.js'
import type { UsageEventInput } from '../usage/types.js'
import { type Attempt, expectAllRefused } from './expect-refused.js'
import { badCounts, badIds, badMetadata, badStrings, edgeIds, edgeMetadata } from './hostile-inputs.js'
import { DAY, type UsageCheck, uniqueDay, uniqueId, usageEvent } from './usage-check-kit.js'

/** The input rules (docs/semantics.md) through every usage store call. */
export const usageHostileChecks = {
  'hostile strings, numbers and metadata are refused and nothing is recorded': async ({ usage }) => {
    const account = uniqueId('usage-hostile')
    const day = uniqueDay()
    const good = usageEvent(account, day + 1)
    const record = (over: Record<string, unknown>) => usage.record({ ...good, ...over } as UsageEventInput)
    const base = uniqueId('usage-bad')
    const attempts: Attempt[] = []
    for (const h of badIds(base)) {
      attempts.push([`account = ${h.name}`, () => record({ account: h.value })])
      attempts.push([`feature = ${h.name}`, () => record({ feature: h.value })])
      attempts.push([
        `stats account = ${h.name}`,
        () => usage.stats(h.value as string, { from: day, to: day + DAY, bucket: 'day' }),
      ])
      attempts.push([
        `list account = ${h.name}`,
        () => usage.list({ account: h.value as string, from: day, to: day + DAY }),
      ])
    }
    for (const h of badStrings(base)) {
      attempts.push([`userId = ${h.name}`, () => record({ userId: h.value })])
      attempts.push([`model = ${h.name}`, () => record({ model: h.value })])
      attempts.push([
        `list cursor = ${h.name}`,
        () => usage.list({ account, from: day, to: day + DAY, cursor: h.value }),
      ])
    }
    for (const h of badCounts) {
      for (const field of ['amount', 'inputTokens', 'outputTokens', 'quantity', 'latencyMs', 'at']) {
        if (h.value === null && field === 'latencyMs') continue // a null latency means "unknown"
        attempts.push([`${field} = ${h.name}`, () => record({ [field]: h.value })])
      }
    }
    for (const h of badMetadata()) attempts.push([`metadata = ${h.name}`, () => record({ metadata: h.value })])
    await expectAllRefused(attempts)

    for (const a of [account, base, `${base}\uFFFD`]) {
      expect((await usage.list({ account: a, from: day, to: day + DAY })).events, `events of ${a}`).toEqual([])
    }
    expect((await usage.stats(ALL_ACCOUNTS, { from: day, to: day + DAY, bucket: 'day' })).totals.events).toBe(0)
  },

  'edge ids and metadata are recorded as given and kept apart': async ({ usage }) => {
    const day = uniqueDay()
    const base = uniqueId('usage-edge')
    const ids = edgeIds(base).filter((h) => h.value.startsWith(base))
    for (const [i, h] of ids.entries()) {
      const feature = [...h.value].length <= 100 ? h.value : 'f'
      await usage.record(usageEvent(h.value, day + 1 + i, { feature, userId: h.value, model: h.value, amount: i + 1 }))
    }
    for (const [i, h] of ids.entries()) {
      const { events } = await usage.list({ account: h.value, from: day, to: day + DAY })
      expect(
        events.map((e) => [e.account, e.userId, e.model, e.amount]),
        h.name,
      ).toEqual([[h.value, h.value, h.value, i + 1]])
    }
    const account = ids[0]!.value
    for (const [i, m] of edgeMetadata().entries()) {
      await usage.record(usageEvent(account, day + 1000 + i, { metadata: m.value }))
    }
    const { events } = await usage.list({ account, from: day + 1000, to: day + DAY })
    expect(events.map((e) => e.metadata)).toEqual(edgeMetadata().map((m) => m.value))
  },
} satisfies Record<string, UsageCheck>
