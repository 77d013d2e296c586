import { expect } from 'vitest'
import type { Ledger } from '../ledger/types.js'
import { type Known, negativeFigures, noteClosed, noteCreated, pickHold, type Rng } from './ledger-chaos-kit.js'
import { allEntries, attempt, exactSum, expectSound, type Outcome, uid } from './ledger-check-kit.js'
import type { LedgerHarness } from './types.js'

/**
 * One call of a concurrent batch. Calls of one `group` share an idempotency key or a hold;
 * those of one `variant` of it have identical parameters, so their results must be identical.
 */
interface Call {
  kind: 'grant' | 'debit' | 'reserve' | 'settle' | 'release' | 'revoke'
  account: string
  group: string
  variant: number
  key: string
  /** The hold a settle or release closes. */
  hold?: Known['holds'][number]
  desc: string
  run(ledger: Ledger): Promise<unknown>
}

/**
 * Random calls on `accounts` (the clock does not move during a batch). About a third get a
 * twin: the same call again (a retry racing its original) or, sometimes, the same key or hold
 * with other parameters (a conflict racing it).
 */
function batchOf(rng: Rng, now: number, accounts: string[], known: Known, size: number, noGrants: Set<string>): Call[] {
  const calls: Call[] = []
  for (let i = 0; i < size; i++) {
    const account = rng.pick(accounts)
    const group = `c${i}`
    const key = uid('chaos-race')
    const variants: Array<(v: number) => Call | undefined> = []
    const roll = rng.int(0, 99)
    if (roll < 15 && !noGrants.has(account)) {
      const amount = rng.int(1, 60)
      const priority = rng.int(-1, 2)
      const expiresAt = rng.chance(0.5) ? null : now + rng.int(1, 5000)
      variants.push((v) => ({
        kind: 'grant',
        account,
        group,
        variant: v,
        key,
        desc: `grant ${JSON.stringify({ account, amount: amount + v, priority, expiresAt, key })}`,
        run: (l) => l.grant({ account, amount: amount + v, source: 'chaos', priority, expiresAt, idempotencyKey: key }),
      }))
    } else if (roll < 35) {
      const amount = rng.int(1, 30)
      const keyed = rng.chance(0.6)
      variants.push((v) => ({
        kind: 'debit',
        account,
        group,
        variant: v,
        key: keyed ? key : '',
        desc: `debit ${JSON.stringify({ account, amount: amount + v, key: keyed ? key : null })}`,
        run: (l) =>
          l.debit({ account, amount: amount + v, reason: 'chaos', ...(keyed ? { idempotencyKey: key } : {}) }),
      }))
    } else if (roll < 55) {
      const amount = rng.int(1, 30)
      const ttl = rng.int(1, 20_000)
      variants.push((v) => ({
        kind: 'reserve',
        account,
        group,
        variant: v,
        key,
        desc: `reserve ${JSON.stringify({ account, amount: amount + v, ttl, key })}`,
        run: (l) => l.reserve({ account, amount: amount + v, ttl, reason: 'chaos-hold', idempotencyKey: key }),
      }))
    } else if (roll < 85) {
      const hold = pickHold(
        rng,
        known.holds.filter((h) => accounts.includes(h.account)),
      )
      if (!hold) continue
      const settleGroup = `hold:${hold.store}`
      if (roll < 72) {
        const amount = rng.chance(0.3) ? hold.amount : rng.int(0, 40)
        variants.push((v) => ({
          kind: 'settle',
          account: hold.account,
          group: settleGroup,
          variant: amount * 10 + v,
          key: '',
          hold,
          desc: `settle ${JSON.stringify({ hold: hold.store, amount: amount + v })}`,
          run: (l) => l.settle({ holdId: hold.store, amount: amount + v }),
        }))
      } else {
        variants.push((v) =>
          v > 0
            ? undefined
            : {
                kind: 'release',
                account: hold.account,
                group: settleGroup,
                variant: -1,
                key: '',
                hold,
                desc: `release ${JSON.stringify({ hold: hold.store })}`,
                run: (l) => l.release({ holdId: hold.store }),
              },
        )
      }
    } else {
      const grant = rng.recent(known.grants.filter((g) => accounts.includes(g.account)))
      if (!grant) continue
      const amount = rng.chance(0.3) ? null : rng.int(1, 60)
      const byKey = rng.chance(0.5)
      variants.push((v) => ({
        kind: 'revoke',
        account: grant.account,
        group,
        variant: v,
        key,
        desc: `revoke ${JSON.stringify({ grant: grant.store, amount: amount === null ? null : amount + v, key })}`,
        run: (l) =>
          l.revoke({
            account: grant.account,
            ...(byKey ? { grantIdempotencyKey: grant.key } : { grantId: grant.store }),
            ...(amount === null ? {} : { amount: amount + v }),
            reason: 'chaos-refund',
            idempotencyKey: key,
          }),
      }))
    }
    const make = variants[0]!
    const first = make(0)
    if (!first) continue
    calls.push(first)
    if (rng.chance(0.3)) calls.push(make(0)!)
    // A twin with other parameters, where there are parameters to vary under a key or a hold
    // (a full revoke has no amount; an unkeyed debit no key).
    const other = rng.chance(0.12) ? make(1) : undefined
    if (other && other.desc !== first.desc && (other.key !== '' || other.kind === 'settle')) calls.push(other)
  }
  return rng.shuffle(calls)
}

/**
 * A concurrent phase: batches of calls issued at once on a few accounts, each batch checked by
 * invariants alone (which call won a race is the store's business): nothing threw but a race
 * between conflicting parameters, no result holds a negative figure, every replay equals its
 * original, a hold closed at most once, and the totals moved by exactly what the results say.
 * Returns how many store calls it made.
 */
export async function concurrentPhase(
  harness: LedgerHarness,
  clock: { now(): number; advance(ms: number): void },
  rng: Rng,
  accounts: string[],
  known: Known,
  batches: number,
  log: string[],
): Promise<number> {
  const { ledger } = harness
  let calls = 0
  for (let b = 0; b < batches; b++) {
    const ms = rng.int(0, 4000)
    clock.advance(ms)
    log.push(`advance ${ms}`)
    // Housekeeping at this instant happens here, so the batch's totals move only by its own calls.
    const before = new Map<string, { available: number; held: number }>()
    const noGrants = new Set<string>()
    for (const account of accounts) {
      const { available, held } = await ledger.balance(account)
      before.set(account, { available, held })
      if (available + held > 2 ** 40) noGrants.add(account)
    }
    const batch = batchOf(rng, clock.now(), accounts, known, rng.int(6, 16), noGrants)
    log.push(`batch ${b}, all at once:`, ...batch.map((c) => `  ${c.desc}`))
    const outcomes = await Promise.all(batch.map((c) => attempt(() => c.run(ledger))))
    calls += batch.length + 3 * accounts.length
    checkBatch(batch, outcomes)
    for (const [i, c] of batch.entries()) {
      noteCreated(known, c.kind, c.account, c.key, outcomes[i]!)
      if (c.hold) noteClosed(known, c.hold.store, outcomes[i]!)
    }
    for (const account of accounts) await checkTotals(harness, account, before.get(account)!, batch, outcomes)
  }
  return calls
}

function checkBatch(batch: Call[], outcomes: Outcome[]): void {
  const variantsOf = new Map<string, Set<number>>()
  for (const c of batch) variantsOf.set(c.group, (variantsOf.get(c.group) ?? new Set()).add(c.variant))
  const groups = new Map<string, Array<{ call: Call; value: Record<string, unknown> }>>()
  for (const [i, call] of batch.entries()) {
    const o = outcomes[i]!
    if (!('value' in o)) {
      // Only a race between conflicting parameters may throw; a settle may also meet an
      // earlier settle of its hold with another amount.
      const mayConflict = variantsOf.get(call.group)!.size > 1 || call.kind === 'settle'
      expect({ call: call.desc, code: o.code }, 'a call that threw').toEqual({
        call: call.desc,
        code: mayConflict ? 'idempotency_conflict' : 'none',
      })
      continue
    }
    expect(negativeFigures(o.value), `negative figures in ${call.desc}`).toEqual([])
    if (o.value.reason === 'insufficient_credits') {
      // A refusal saw too little at its own instant, or it was no refusal.
      expect(o.value.available as number, `available of the refused ${call.desc}`).toBeLessThan(
        o.value.required as number,
      )
    }
    if (o.value.ok !== true) continue
    const list = groups.get(call.group) ?? []
    list.push({ call, value: o.value })
    groups.set(call.group, list)
  }
  for (const [group, results] of groups) {
    // Unkeyed debits are independent calls: each may take effect.
    if (results[0]!.call.kind === 'debit' && results[0]!.call.key === '') continue
    const fresh = results.filter((r) => r.value.replayed === false)
    expect(fresh.length, `calls of ${group} that took effect`).toBeLessThanOrEqual(1)
    // Every keyed call (and every settle of one hold) gives the one stored result; a release
    // replay reports 0 released by design, so releases are only held to "closed once".
    const keyed = results.filter((r) => r.call.kind !== 'release')
    const strip = ({ replayed: _r, ...rest }: Record<string, unknown>) => rest
    for (const r of keyed) {
      expect({ call: r.call.desc, ...strip(r.value) }, `replay of ${group}`).toEqual({
        call: r.call.desc,
        ...strip(keyed[0]!.value),
      })
    }
  }
}

/** available + held moved by exactly what the batch's effective calls report; then the usual invariants. */
async function checkTotals(
  harness: LedgerHarness,
  account: string,
  before: { available: number; held: number },
  batch: Call[],
  outcomes: Outcome[],
): Promise<void> {
  let total = before.available + before.held
  let held = before.held
  for (const [i, call] of batch.entries()) {
    const o = outcomes[i]!
    if (call.account !== account || !('value' in o) || o.value.ok !== true || o.value.replayed !== false) continue
    const v = o.value as {
      amount: number
      revoked: number
      charged: number
      forfeited: number
      hold?: { amount: number }
      holdExpired?: boolean
    }
    if (call.kind === 'grant') total += v.amount
    else if (call.kind === 'debit') total -= v.amount
    else if (call.kind === 'reserve') held += v.hold!.amount
    else if (call.kind === 'revoke') total -= v.revoked
    else if (call.kind === 'settle') {
      total -= v.charged + v.forfeited
      if (!v.holdExpired) held -= call.hold!.amount
    } else if (call.kind === 'release') {
      total -= v.forfeited
      held -= call.hold!.amount
    }
  }
  const after = await harness.ledger.balance(account)
  expect({ account, available: after.available + after.held, held: after.held }, 'totals after the batch').toEqual({
    account,
    available: total,
    held,
  })
  const history = exactSum((await allEntries(harness.ledger, account)).map((e) => e.amount))
  expect(history, 'sum of the entries history lists == available + held').toBe(total)
  await expectSound(harness, account)
}
