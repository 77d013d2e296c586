import { expect } from 'vitest'
import { fixedWindow } from '../limiter/rules.js'
import type { LimiterStore, RuleSpec } from '../limiter/types.js'
import { type Attempt, expectAllRefused } from './expect-refused.js'
import { badAmounts, badCounts, badIds, edgeIds } from './hostile-inputs.js'
import { item, type LimiterCheck, peekRemaining } from './limiter-check-context.js'

/**
 * The input rules through `consume` and `reset`: a hostile key, rule name, cost or rule is a
 * ValidationError, alone or next to a valid item, and no state changes anywhere.
 */
export const hostileKeysAndNames: LimiterCheck = async ({ store, key }) => {
  const k = key('hostile')
  const rule = fixedWindow({ limit: 10, window: '1 d' })
  await store.consume({ items: [item(k, 'n', rule)] })
  const base = key('bad')
  const attempts: Attempt[] = []
  const S = store as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>
  const consume = (items: unknown[], dryRun?: unknown) =>
    S.consume!(dryRun === undefined ? { items } : { items, dryRun })
  for (const h of badIds(base)) {
    attempts.push([`key = ${h.name}`, () => consume([{ key: h.value, name: 'n', rule, cost: 1 }])])
    attempts.push([
      `key = ${h.name} next to a valid item`,
      () => consume([item(k, 'n', rule), { ...item(k, 'm', rule), key: h.value }]),
    ])
    attempts.push([`name = ${h.name}`, () => consume([item(k, 'n', rule), { ...item(k, 'n', rule), name: h.value }])])
    attempts.push([`dry-run name = ${h.name}`, () => consume([{ ...item(k, 'n', rule), name: h.value }], true)])
    attempts.push([`reset key = ${h.name}`, () => S.reset!(h.value, ['n'])])
    attempts.push([`reset name = ${h.name}`, () => S.reset!(k, ['n', h.value])])
  }
  for (const h of badCounts)
    attempts.push([`cost = ${h.name}`, () => consume([{ ...item(k, 'n', rule), cost: h.value }])])
  for (const h of badAmounts) {
    attempts.push([`limit = ${h.name}`, () => consume([item(k, 'n', { ...rule, limit: h.value } as RuleSpec)])])
    attempts.push([`windowMs = ${h.name}`, () => consume([item(k, 'n', { ...rule, windowMs: h.value } as RuleSpec)])])
  }
  attempts.push(['dryRun = "yes"', () => consume([item(k, 'n', rule)], 'yes')])
  attempts.push(['no items', () => consume([])])
  await expectAllRefused(attempts)

  // Nothing consumed, nothing reset; nothing landed where a NUL cut off or a U+FFFD would put it.
  expect(await peekRemaining(store, k, 'n', rule)).toBe(9)
  expect(await peekRemaining(store, k, 'm', rule)).toBe(10)
  for (const landed of [base, `${base}\uFFFD`, `\uFFFD${base}`]) {
    expect(await peekRemaining(store, landed, 'n', rule)).toBe(10)
  }
}

/** Valid keys and names at the edges ('__proto__', 'a|5', emoji) work and never share a state. */
export const edgeKeysStayApart: LimiterCheck = async ({ store, key }) => {
  const base = key('edge')
  const rule = fixedWindow({ limit: 1_000_000, window: '1 d' })
  const keys = edgeIds(base).map((h) => h.value)
  const names = keys.filter((n) => [...n].length <= 100)
  const remaining = (s: LimiterStore, k: string, n: string) => peekRemaining(s, k, n, rule)
  // Literal names like '__proto__' may hold state from earlier runs on a shared store: compare to before.
  const before = await Promise.all(keys.map((k) => remaining(store, k, 'n')))
  const beforeNames = await Promise.all(names.map((n) => remaining(store, base, n)))
  for (const [i, k] of keys.entries()) await store.consume({ items: [item(k, 'n', rule, i + 1)] })
  for (const [i, n] of names.entries()) await store.consume({ items: [item(base, n, rule, 100 + i)] })
  for (const [i, k] of keys.entries()) {
    expect(await remaining(store, k, 'n'), `key ${JSON.stringify(k)}`).toBe(before[i]! - (i + 1))
  }
  for (const [i, n] of names.entries()) {
    // `base` with the name 'n' was consumed by both loops when 'n' is among the names: it is not.
    expect(await remaining(store, base, n), `name ${JSON.stringify(n)}`).toBe(beforeNames[i]! - (100 + i))
  }
  await store.reset(keys[0]!, ['n'])
  expect(await remaining(store, keys[0]!, 'n')).toBe(1_000_000)
  expect(await remaining(store, keys[1]!, 'n')).toBe(before[1]! - 2)
}
