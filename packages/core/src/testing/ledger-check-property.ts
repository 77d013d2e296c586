import fc from 'fast-check'
import { expect } from 'vitest'
import type { Ledger } from '../ledger/types.js'
import { createMemoryLedger } from '../memory/memory-ledger.js'
import { entriesSum, type LedgerCheck, uid } from './ledger-check-kit.js'

/** One step of a generated sequence. Indexes pick among the holds/grants made so far. */
export type LedgerOp =
  | { op: 'grant'; amount: number; priority: number; expiresIn: number | null; key: number }
  | { op: 'debit'; amount: number; key: number | null }
  | { op: 'reserve'; amount: number; ttl: number; key: number | null }
  | { op: 'settle'; hold: number; amount: number }
  | { op: 'release'; hold: number }
  | { op: 'revoke'; grant: number; amount: number | null; byKey: boolean; key: number | null }
  | { op: 'advance'; ms: number }

// Small pools make keys collide often: replays, conflicts and cross-operation reuse all happen.
const key = fc.option(fc.nat(5), { nil: null })
const amount = fc.integer({ min: 1, max: 40 })

/** Sequences of ledger operations, short enough to run against a real store in seconds. */
export const ledgerOps: fc.Arbitrary<LedgerOp[]> = fc.array(
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant('grant' as const),
        amount: fc.integer({ min: 1, max: 60 }),
        priority: fc.integer({ min: -1, max: 2 }),
        expiresIn: fc.option(fc.integer({ min: 1, max: 5000 }), { nil: null }),
        key: fc.nat(7),
      }),
    },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('debit' as const), amount, key }) },
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant('reserve' as const),
        amount,
        ttl: fc.integer({ min: 1, max: 5000 }),
        key,
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant('settle' as const),
        hold: fc.nat(),
        amount: fc.integer({ min: 0, max: 50 }),
      }),
    },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('release' as const), hold: fc.nat() }) },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('revoke' as const),
        grant: fc.nat(),
        amount: fc.option(amount, { nil: null }),
        byKey: fc.boolean(),
        key,
      }),
    },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 3000 }) }) },
  ),
  { minLength: 1, maxLength: 25 },
)

type Outcome = { value: Record<string, unknown> } | { code: unknown }

async function attempt(call: () => Promise<object>): Promise<Outcome> {
  try {
    return { value: (await call()) as Record<string, unknown> }
  } catch (e) {
    return { code: (e as { code?: unknown })?.code ?? String(e) }
  }
}

/**
 * Random sequences applied to the adapter and to a fresh memory ledger (the model) on the same
 * clock: every result and every balance must match, and both must verify at the end. Ids differ
 * between the two, so they are compared through the pairs recorded when each was created.
 */
export const matchesModel: LedgerCheck = async ({ harness, clock, numRuns }) => {
  await fc.assert(
    fc.asyncProperty(ledgerOps, async (ops) => {
      await runAgainstModel(harness.ledger, clock, ops, async (account) => entriesSum(harness.raw, account))
    }),
    { numRuns },
  )
}

/** Plays `ops` on `ledger` and on a memory model, comparing after every step. Exported for tests. */
export async function runAgainstModel(
  ledger: Ledger,
  clock: { now(): number; advance(ms: number): void },
  ops: LedgerOp[],
  rawSum: (account: string) => Promise<number>,
): Promise<void> {
  const model = createMemoryLedger({ clock: { now: () => clock.now() } })
  const account = uid('prop')
  const run = uid('run')
  const keyOf = (i: number) => `${run}-k${i}`
  // Adapter id -> model id, and the pairs in creation order for the index-picking ops.
  const ids = new Map<string, string>()
  const holds: Array<[string, string]> = []
  const grants: Array<{ pair: [string, string]; key: string }> = []
  const mapped = (id: unknown) => (typeof id === 'string' ? (ids.get(id) ?? `unmapped:${id}`) : id)

  for (const [step, o] of ops.entries()) {
    const where = `step ${step} ${JSON.stringify(o)}`
    if (o.op === 'advance') {
      clock.advance(o.ms)
    } else {
      const both = async (call: (l: Ledger, pick: 0 | 1) => Promise<object>) => {
        const a = await attempt(() => call(ledger, 0))
        const m = await attempt(() => call(model, 1))
        return { a, m }
      }
      let a: Outcome
      let m: Outcome
      switch (o.op) {
        case 'grant': {
          const expiresAt = o.expiresIn === null ? null : clock.now() + o.expiresIn
          const k = keyOf(o.key)
          ;({ a, m } = await both((l) =>
            l.grant({ account, amount: o.amount, source: 'p', priority: o.priority, expiresAt, idempotencyKey: k }),
          ))
          if ('value' in a && 'value' in m && !a.value.replayed) {
            const pair: [string, string] = [a.value.grantId as string, m.value.grantId as string]
            ids.set(pair[0], pair[1])
            grants.push({ pair, key: k })
          }
          break
        }
        case 'debit':
          ;({ a, m } = await both((l) =>
            l.debit({
              account,
              amount: o.amount,
              reason: 'd',
              ...(o.key === null ? {} : { idempotencyKey: keyOf(o.key) }),
            }),
          ))
          break
        case 'reserve':
          ;({ a, m } = await both((l) =>
            l.reserve({
              account,
              amount: o.amount,
              ttl: o.ttl,
              ...(o.key === null ? {} : { idempotencyKey: keyOf(o.key) }),
            }),
          ))
          if ('value' in a && 'value' in m && a.value.ok && !a.value.replayed) {
            const pair: [string, string] = [(a.value.hold as { id: string }).id, (m.value.hold as { id: string }).id]
            ids.set(pair[0], pair[1])
            holds.push(pair)
          }
          break
        case 'settle':
        case 'release': {
          const pair = holds.length > 0 ? holds[o.hold % holds.length]! : (['no-such-hold', 'no-such-hold'] as const)
          ;({ a, m } = await both((l, i) =>
            o.op === 'settle' ? l.settle({ holdId: pair[i], amount: o.amount }) : l.release({ holdId: pair[i] }),
          ))
          break
        }
        case 'revoke': {
          const g =
            grants.length > 0
              ? grants[o.grant % grants.length]!
              : { pair: ['no-such-grant', 'no-such-grant'], key: 'no-such-key' }
          ;({ a, m } = await both((l, i) =>
            l.revoke({
              ...(o.byKey ? { grantIdempotencyKey: g.key } : { grantId: g.pair[i]! }),
              ...(o.amount === null ? {} : { amount: o.amount }),
              reason: 'r',
              ...(o.key === null ? {} : { idempotencyKey: keyOf(o.key) }),
            }),
          ))
          break
        }
      }
      expect(comparable(a, mapped), where).toEqual(comparable(m, (id) => id))
    }
    const [ab, mb] = [await ledger.balance(account), await model.balance(account)]
    expect(
      { available: ab.available, held: ab.held, grants: ab.grants.map((g) => [mapped(g.id), g.remaining]) },
      `balance after ${where}`,
    ).toEqual({ available: mb.available, held: mb.held, grants: mb.grants.map((g) => [g.id, g.remaining]) })
  }
  const verified = await ledger.verify(account)
  expect(verified.problems).toEqual([])
  expect(verified.ok).toBe(true)
  expect((await model.verify(account)).ok).toBe(true)
  expect(await rawSum(account)).toBe(await model.raw.entries(account).then((e) => e.reduce((s, x) => s + x.amount, 0)))
}

/** A result with ids mapped to the model's and entry ids reduced to whether there is one. */
function comparable(outcome: Outcome, mapId: (id: unknown) => unknown): unknown {
  if (!('value' in outcome)) return outcome
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(outcome.value)) {
    if (k === 'entryId') out[k] = v === null ? null : 'entry'
    else if (k === 'grantId') out[k] = mapId(v)
    else if (k === 'hold') {
      const { id, ...rest } = v as { id: string }
      out[k] = { ...rest, id: mapId(id) }
    } else out[k] = v
  }
  return out
}
