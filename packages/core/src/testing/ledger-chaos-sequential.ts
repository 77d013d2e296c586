import { expect } from 'vitest'
import type { ManualClock } from '../clock.js'
import { type Ledger, MAX_BALANCE } from '../ledger/types.js'
import {
  inModelTerms,
  type Known,
  modelOutcome,
  negativeFigures,
  noteClosed,
  noteCreated,
  pickHold,
  type Rng,
} from './ledger-chaos-kit.js'
import { LedgerModel } from './ledger-chaos-model.js'
import { allEntries, attempt, uid } from './ledger-check-kit.js'
import type { LedgerHarness } from './types.js'

/** One operation, resolved to concrete inputs for the store and the model, so a replay repeats it exactly. */
interface Step {
  kind: 'grant' | 'debit' | 'reserve' | 'settle' | 'release' | 'revoke' | 'balance'
  /** What the log prints on failure. */
  desc: string
  /** The idempotency key (grant, and keyed debit, reserve, revoke) or the store's hold id (settle, release). */
  key: string
  store(ledger: Ledger): Promise<unknown>
  model(model: LedgerModel): object
}

const NO_SUCH = 'chaos-no-such-id'

/**
 * Builds the next random step for `account`. Keys come from a small pool shared by every kind
 * of call (so replays and conflicts across kinds happen) or are fresh; holds and grants are
 * picked among those made so far, sometimes an unknown id.
 */
function nextStep(rng: Rng, clock: ManualClock, account: string, known: Known, pool: string[]): Step | 'advance' {
  const key = (none: number) => (rng.chance(none) ? null : rng.chance(0.5) ? rng.pick(pool) : uid('chaos-key'))
  const roll = rng.int(0, 99)
  if (roll < 14 || known.grants.length === 0) {
    const huge = rng.chance(0.04)
    const amount = huge ? MAX_BALANCE - rng.int(0, 200) : rng.int(1, 100)
    const priority = rng.int(-1, 2)
    const expiresAt = rng.chance(0.5) ? null : clock.now() + (rng.chance(0.05) ? 0 : rng.int(1, 5000))
    const k = key(0) as string
    const input = { account, amount, source: 'chaos', priority, expiresAt, idempotencyKey: k }
    return {
      kind: 'grant',
      key: k,
      desc: `grant ${JSON.stringify({ amount, priority, expiresAt, key: k })}`,
      store: (l) => l.grant(input),
      model: (m) => m.grant({ account, amount, source: 'chaos', priority, expiresAt, key: k }),
    }
  }
  if (roll < 28) {
    const amount = rng.int(1, 30)
    const k = key(0.4)
    return {
      kind: 'debit',
      key: k ?? '',
      desc: `debit ${JSON.stringify({ amount, key: k })}`,
      store: (l) => l.debit({ account, amount, reason: 'chaos', ...(k === null ? {} : { idempotencyKey: k }) }),
      model: (m) => m.debit({ account, amount, reason: 'chaos', key: k }),
    }
  }
  if (roll < 43) {
    const amount = rng.int(1, 30)
    const ttl = rng.int(1, 20_000)
    const k = key(0.4)
    return {
      kind: 'reserve',
      key: k ?? '',
      desc: `reserve ${JSON.stringify({ amount, ttl, key: k })}`,
      store: (l) =>
        l.reserve({ account, amount, ttl, reason: 'chaos-hold', ...(k === null ? {} : { idempotencyKey: k }) }),
      model: (m) => m.reserve({ account, amount, ttl, reason: 'chaos-hold', key: k }),
    }
  }
  if (roll < 68) {
    const hold = pickHold(rng, known.holds)
    const [s, m] = hold ? [hold.store, hold.model] : [NO_SUCH, NO_SUCH]
    if (roll < 60) {
      // Below, at and above the hold.
      const amount = hold && rng.chance(0.25) ? hold.amount : rng.int(0, 40)
      return {
        kind: 'settle',
        key: s,
        desc: `settle ${JSON.stringify({ hold: m, amount })}`,
        store: (l) => l.settle({ holdId: s, amount }),
        model: (model) => model.settle({ holdId: m, amount }),
      }
    }
    return {
      kind: 'release',
      key: s,
      desc: `release ${JSON.stringify({ hold: m })}`,
      store: (l) => l.release({ holdId: s }),
      model: (model) => model.release({ holdId: m }),
    }
  }
  if (roll < 82) {
    const grant = rng.chance(0.05) ? undefined : rng.recent(known.grants)
    const byKey = rng.chance(0.5)
    const amount = rng.chance(0.3) ? null : rng.int(1, 60)
    const k = key(0.4)
    const g = grant ?? { store: NO_SUCH, model: NO_SUCH, key: NO_SUCH }
    const target = (side: 'store' | 'model') =>
      byKey ? { grantIdempotencyKey: g.key } : { grantId: side === 'store' ? g.store : g.model }
    return {
      kind: 'revoke',
      key: k ?? '',
      desc: `revoke ${JSON.stringify({ ...target('model'), amount, key: k })}`,
      store: (l) =>
        l.revoke({
          account,
          ...target('store'),
          ...(amount === null ? {} : { amount }),
          reason: 'chaos-refund',
          ...(k === null ? {} : { idempotencyKey: k }),
        }),
      model: (model) =>
        model.revoke({
          account,
          grantId: byKey ? null : g.model,
          grantKey: byKey ? g.key : null,
          amount,
          reason: 'chaos-refund',
          key: k,
        }),
    }
  }
  if (roll < 92) return 'advance'
  return {
    kind: 'balance',
    key: '',
    desc: 'balance',
    store: (l) => l.balance(account),
    model: (m) => m.balance(account),
  }
}

/**
 * A sequential phase: `count` random steps on one fresh account, each result compared field by
 * field with the model, then the balance, the entries (history and raw) and `verify`. Returns
 * how many store calls it made.
 */
export async function sequentialPhase(
  harness: LedgerHarness,
  clock: ManualClock,
  rng: Rng,
  account: string,
  known: Known,
  count: number,
  log: string[],
): Promise<number> {
  const { ledger } = harness
  const model = new LedgerModel(() => clock.now())
  const pool = Array.from({ length: 8 }, () => uid('chaos-pool'))
  const done: Step[] = []
  let calls = 0
  for (let n = 0; n < count; n++) {
    let step: Step | 'advance'
    const again = rng.int(0, 99)
    if (again < 6 && done.length > 0) step = done[done.length - 1]!
    else if (again < 12 && done.length > 0) step = rng.pick(done)
    else step = nextStep(rng, clock, account, known, pool)
    if (step === 'advance') {
      const ms = rng.int(1, 3000)
      clock.advance(ms)
      log.push(`advance ${ms}`)
      continue
    }
    log.push(step === done[done.length - 1] ? `retry: ${step.desc}` : step.desc)
    done.push(step)
    const s = await attempt(() => (step as Step).store(ledger))
    const m = modelOutcome(step.model(model))
    calls += 1
    noteCreated(known, step.kind, account, step.key, s, m)
    if (step.kind === 'settle' || step.kind === 'release') noteClosed(known, step.key, s)
    expect(inModelTerms(s, known), `result of ${step.desc}`).toEqual(m)
    if ('value' in s) expect(negativeFigures(s.value), `negative figures in ${step.desc}`).toEqual([])
  }
  await compareState(harness, model, account, known)
  return calls + 4
}

/** Balance, every entry (through history and raw) and verify, against the model. */
async function compareState(harness: LedgerHarness, model: LedgerModel, account: string, known: Known) {
  const { ledger } = harness
  const balance = await ledger.balance(account)
  expect(inModelTerms({ value: balance as unknown as Record<string, unknown> }, known), 'balance').toEqual({
    value: model.balance(account),
  })
  const map = (id: string | null) => (id === null ? null : (known.ids.get(id) ?? `unmapped:${id}`))
  const line = (e: { type: string; amount: number; grantId: string | null; holdId: string | null; reason: string }) =>
    `${e.type} ${e.amount} grant:${e.grantId} hold:${e.holdId} ${e.reason}`
  const expected = (model.entries.get(account) ?? []).map(line).sort()
  const entries = await allEntries(ledger, account)
  expect(
    entries.map((e) => line({ ...e, grantId: map(e.grantId), holdId: map(e.holdId) })).sort(),
    'entries (history)',
  ).toEqual(expected)
  const raw = (await harness.raw.entries(account)).map((e) => `${e.type} ${e.amount}`).sort()
  expect(raw, 'entries (raw)').toEqual((model.entries.get(account) ?? []).map((e) => `${e.type} ${e.amount}`).sort())
  const verified = await ledger.verify(account)
  expect(verified.problems, 'verify').toEqual([])
  expect(verified.ok).toBe(true)
}
