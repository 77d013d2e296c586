import fc from 'fast-check'
import { expect } from 'vitest'
import type { Ledger } from '../ledger/types.js'
import { createMemoryLedger } from '../memory/memory-ledger.js'
import { allEntries, attempt, comparable, type LedgerCheck, uid } from './ledger-check-kit.js'
import { assertProperty } from './seeded.js'
import type { LedgerHarness } from './types.js'

/** One step of a generated sequence. Indexes pick among the holds/grants made so far, newest first. */
export type LedgerOp =
  | { op: 'grant'; amount: number; priority: number; expiresIn: number | null; key: number }
  | { op: 'debit'; amount: number; key: number | null }
  | { op: 'reserve'; amount: number; ttl: number; key: number | null }
  | { op: 'settle'; hold: number; amount: number }
  | { op: 'release'; hold: number }
  | { op: 'revoke'; grant: number; amount: number | null; byKey: boolean; key: number | null }
  | { op: 'advance'; ms: number }
  /** Repeats the last operation verbatim: a client retry, so replays happen for every kind. */
  | { op: 'retry' }

// Small pools make keys collide often: replays, conflicts and cross-operation reuse all happen.
// Grant keys overlap the others' pool only in part, so most grants take effect.
const key = fc.option(fc.nat(5), { nil: null, freq: 2 })
const amount = fc.integer({ min: 1, max: 30 })

const grantOp = fc.record({
  op: fc.constant('grant' as const),
  amount: fc.integer({ min: 1, max: 60 }),
  priority: fc.integer({ min: -1, max: 2 }),
  expiresIn: fc.option(fc.integer({ min: 1, max: 5000 }), { nil: null }),
  key: fc.integer({ min: 3, max: 12 }),
})

const anyOp: fc.Arbitrary<LedgerOp> = fc.oneof(
  { weight: 2, arbitrary: grantOp },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('debit' as const), amount, key }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('reserve' as const),
      amount,
      // Often longer than grant lifetimes, so holds outlive their grants and forfeit.
      ttl: fc.integer({ min: 1, max: 20_000 }),
      key,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('settle' as const),
      hold: fc.nat(3),
      amount: fc.integer({ min: 0, max: 40 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('release' as const), hold: fc.nat(3) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('revoke' as const),
      grant: fc.nat(3),
      amount: fc.option(amount, { nil: null }),
      byKey: fc.boolean(),
      key,
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 3000 }) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'retry' as const }) },
)

/**
 * Sequences of ledger operations: a grant or three, then up to 30 steps. Short enough to run
 * against a real store in seconds, long enough to reach holds across expiries and revokes.
 */
export const ledgerOps: fc.Arbitrary<LedgerOp[]> = fc
  .tuple(
    fc.array(grantOp, { minLength: 1, maxLength: 3 }),
    fc.array(anyOp, { minLength: 4, maxLength: 30, size: 'max' }),
  )
  .map(([grants, rest]) => [...grants, ...rest])

/**
 * Random sequences applied to the adapter and to a fresh memory ledger (the model) on the same
 * clock: every result and every balance must match, and both must verify at the end. Ids differ
 * between the two, so they are compared through the pairs recorded when each was created.
 */
export const matchesModel: LedgerCheck = async ({ harness, clock, numRuns }) => {
  await assertProperty(
    fc.asyncProperty(ledgerOps, (ops) => runAgainstModel(harness, clock, ops)),
    { numRuns },
  )
}

/** One operation ready to run on either ledger (`side` 0 = adapter, 1 = model). */
interface Step {
  kind: LedgerOp['op']
  grantKey?: string
  call(ledger: Ledger, side: 0 | 1): Promise<object>
}

/**
 * Plays `ops` on the harness's ledger and on a memory model sharing its clock, comparing every
 * result and the balance after every step, then the entries and `verify` of both.
 */
export async function runAgainstModel(
  harness: LedgerHarness,
  clock: { now(): number; advance(ms: number): void },
  ops: LedgerOp[],
): Promise<void> {
  const { ledger } = harness
  // The model reads the adapter's clock, so both always agree on `now`.
  const model = createMemoryLedger({ clock: { now: () => clock.now() } })
  const account = uid('prop')
  const run = uid('run')
  const keyOf = (i: number) => `${run}-k${i}`
  const withKey = (k: number | null) => (k === null ? {} : { idempotencyKey: keyOf(k) })
  // Adapter id -> model id, and the pairs in creation order for the index-picking ops.
  const ids = new Map<string, string>()
  const holds: Array<[string, string]> = []
  const grants: Array<{ pair: [string, string]; key: string }> = []
  const mapped = (id: unknown) => (typeof id === 'string' ? (ids.get(id) ?? `unmapped:${id}`) : id)
  const newest = <T>(list: T[], i: number): T | undefined => list[list.length - 1 - (i % Math.max(1, list.length))]

  /** Builds the call for `o` now, so a retry later repeats exactly the same input. */
  function build(o: Exclude<LedgerOp, { op: 'advance' | 'retry' }>): Step {
    switch (o.op) {
      case 'grant': {
        const expiresAt = o.expiresIn === null ? null : clock.now() + o.expiresIn
        const grantKey = keyOf(o.key)
        const input = {
          account,
          amount: o.amount,
          source: 'p',
          priority: o.priority,
          expiresAt,
          idempotencyKey: grantKey,
        }
        return { kind: o.op, grantKey, call: (l) => l.grant(input) }
      }
      case 'debit':
        return { kind: o.op, call: (l) => l.debit({ account, amount: o.amount, reason: 'd', ...withKey(o.key) }) }
      case 'reserve':
        return {
          kind: o.op,
          call: (l) => l.reserve({ account, amount: o.amount, ttl: o.ttl, ...withKey(o.key) }),
        }
      case 'settle':
      case 'release': {
        const pair = newest(holds, o.hold) ?? ['no-such-hold', 'no-such-hold']
        return {
          kind: o.op,
          call: (l, side) =>
            o.op === 'settle' ? l.settle({ holdId: pair[side], amount: o.amount }) : l.release({ holdId: pair[side] }),
        }
      }
      case 'revoke': {
        const g = newest(grants, o.grant) ?? { pair: ['no-such-grant', 'no-such-grant'], key: 'no-such-key' }
        return {
          kind: o.op,
          call: (l, side) =>
            l.revoke({
              account,
              ...(o.byKey ? { grantIdempotencyKey: g.key } : { grantId: g.pair[side] }),
              ...(o.amount === null ? {} : { amount: o.amount }),
              reason: 'r',
              ...withKey(o.key),
            }),
        }
      }
    }
  }

  let last: Step | undefined
  for (const [n, o] of ops.entries()) {
    const where = `step ${n} ${JSON.stringify(o)}`
    if (o.op === 'advance') {
      clock.advance(o.ms)
    } else {
      const step = o.op === 'retry' ? last : build(o)
      if (step) {
        last = step
        const a = await attempt(() => step.call(ledger, 0))
        const m = await attempt(() => step.call(model, 1))
        // Record new grants and holds before comparing, so their ids map in this step's results.
        if ('value' in a && 'value' in m && a.value.ok && !a.value.replayed) {
          if (step.kind === 'grant') {
            const pair: [string, string] = [a.value.grantId as string, m.value.grantId as string]
            ids.set(pair[0], pair[1])
            grants.push({ pair, key: step.grantKey! })
          } else if (step.kind === 'reserve') {
            const pair: [string, string] = [(a.value.hold as { id: string }).id, (m.value.hold as { id: string }).id]
            ids.set(pair[0], pair[1])
            holds.push(pair)
          }
        }
        expect(comparable(a, mapped), where).toEqual(comparable(m, (id) => id))
      }
    }
    const [ab, mb] = [await ledger.balance(account), await model.balance(account)]
    expect({ ...ab, grants: ab.grants.map((g) => ({ ...g, id: mapped(g.id) })) }, `balance after ${where}`).toEqual(mb)
  }
  const verified = await ledger.verify(account)
  expect(verified.problems).toEqual([])
  expect(verified.ok).toBe(true)
  expect((await model.verify(account)).ok).toBe(true)
  // The same entries (order within one operation aside), read through history and raw alike.
  const lines = (entries: Array<{ type: string; amount: number }>) => entries.map((e) => `${e.type} ${e.amount}`).sort()
  const modelLines = lines(await model.raw.entries(account))
  expect(lines(await allEntries(ledger, account)), 'entries (history)').toEqual(modelLines)
  expect(lines(await harness.raw.entries(account)), 'entries (raw)').toEqual(modelLines)
}
