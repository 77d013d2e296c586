import { MAX_BALANCE } from '../ledger/types.js'

/**
 * A second, deliberately plain reading of docs/semantics.md (Ledger section) for the chaos
 * check: arrays and linear scans, no running totals, no shortcuts, and no code shared with the
 * memory ledger, so a slip in one of them shows up as a difference. Results have the exact shape
 * and values the contract gives; ids are the model's own (`g1`, `h1`), mapped by the runner.
 *
 * Inputs are taken as already valid (the chaos check only sends valid input); errors are thrown
 * as `{ code }`, like the adapters' MeteredErrors are compared.
 */

export interface ModelGrant {
  id: string
  account: string
  source: string
  amount: number
  remaining: number
  clawback: number
  priority: number
  expiresAt: number | null
  createdAt: number
  seq: number
  revoked: boolean
}

interface ModelHold {
  id: string
  account: string
  amount: number
  reason: string
  expiresAt: number
  createdAt: number
  status: 'open' | 'settled' | 'released' | 'expired'
  taken: Array<{ grant: ModelGrant; units: number }>
  settled: { amount: number; result: Record<string, unknown> } | null
}

/** One entry as the comparison sees it: ids are model ids. */
export interface ModelEntry {
  type: 'grant' | 'debit' | 'expire' | 'revoke'
  amount: number
  grantId: string | null
  holdId: string | null
  reason: string
}

type Result = Record<string, unknown>

const conflict = () => ({ code: 'idempotency_conflict' })
const invalid = () => ({ code: 'validation_error' })

export class LedgerModel {
  private grants: ModelGrant[] = []
  private holds: ModelHold[] = []
  private keys = new Map<string, { print: string; result: Result; grantId?: string }>()
  readonly entries = new Map<string, ModelEntry[]>()
  private count = 0

  constructor(private readonly now: () => number) {}

  private live(g: ModelGrant, now: number): boolean {
    return !g.revoked && (g.expiresAt === null || g.expiresAt > now)
  }

  private write(account: string, entry: ModelEntry): void {
    const list = this.entries.get(account) ?? []
    list.push(entry)
    this.entries.set(account, list)
  }

  private available(account: string, now: number): number {
    let sum = 0
    for (const g of this.grants) if (g.account === account && this.live(g, now)) sum += g.remaining
    return sum
  }

  private held(account: string): number {
    let sum = 0
    for (const h of this.holds) if (h.account === account && h.status === 'open') sum += h.amount
    return sum
  }

  private order(account: string, now: number): ModelGrant[] {
    const inf = Number.POSITIVE_INFINITY
    return this.grants
      .filter((g) => g.account === account && g.remaining > 0 && this.live(g, now))
      .sort((a, b) => b.priority - a.priority || (a.expiresAt ?? inf) - (b.expiresAt ?? inf) || a.seq - b.seq)
  }

  private take(account: string, units: number, now: number): Array<{ grant: ModelGrant; units: number }> {
    const taken: Array<{ grant: ModelGrant; units: number }> = []
    let left = units
    for (const g of this.order(account, now)) {
      if (left === 0) break
      const n = Math.min(g.remaining, left)
      g.remaining -= n
      left -= n
      taken.push({ grant: g, units: n })
    }
    if (left !== 0) throw new Error('model: take beyond available')
    return taken
  }

  /** "Returning held units": last taken first; dead grants forfeit, clawbacks are paid first. */
  private giveBack(hold: ModelHold, parts: Array<{ grant: ModelGrant; units: number }>, now: number) {
    let released = 0
    let forfeited = 0
    let dead = 0
    const clawed: Array<{ grant: ModelGrant; units: number }> = []
    for (const { grant, units } of [...parts].reverse()) {
      if (!this.live(grant, now)) {
        dead += units
        continue
      }
      const c = Math.min(units, grant.clawback)
      grant.clawback -= c
      grant.remaining += units - c
      released += units - c
      if (c > 0) {
        const seen = clawed.find((x) => x.grant === grant)
        if (seen) seen.units += c
        else clawed.push({ grant, units: c })
      }
    }
    for (const { grant, units } of clawed) {
      forfeited += units
      this.write(hold.account, {
        type: 'revoke',
        amount: -units,
        grantId: grant.id,
        holdId: hold.id,
        reason: 'clawback',
      })
    }
    if (dead > 0) {
      forfeited += dead
      this.write(hold.account, { type: 'expire', amount: -dead, grantId: null, holdId: hold.id, reason: hold.reason })
    }
    return { released, forfeited }
  }

  private housekeep(account: string, now: number): void {
    for (const g of this.grants) {
      if (g.account !== account || g.revoked || g.remaining === 0) continue
      if (g.expiresAt !== null && g.expiresAt <= now) {
        this.write(account, { type: 'expire', amount: -g.remaining, grantId: g.id, holdId: null, reason: g.source })
        g.remaining = 0
      }
    }
    for (const h of this.holds) {
      if (h.account === account && h.status === 'open' && h.expiresAt <= now) {
        this.giveBack(h, h.taken, now)
        h.status = 'expired'
      }
    }
  }

  /** Idempotency keys are scoped per account: the map key is the pair. */
  private scoped(account: string, key: string): string {
    return JSON.stringify([account, key])
  }

  /** The stored result for `account`'s `key`, replayed; a conflict when it was bound to other parameters. */
  private replay(account: string, key: string | null, print: string): Result | { code: string } | null {
    if (key === null) return null
    const record = this.keys.get(this.scoped(account, key))
    if (!record) return null
    if (record.print !== print) return conflict()
    return { ...record.result, replayed: true }
  }

  private id(prefix: string): string {
    this.count += 1
    return `${prefix}${this.count}`
  }

  grant(i: {
    account: string
    amount: number
    source: string
    priority: number
    expiresAt: number | null
    key: string
  }): Result | { code: string } {
    const now = this.now()
    this.housekeep(i.account, now)
    const print = JSON.stringify(['grant', i.account, i.amount, i.source, i.expiresAt, i.priority])
    const replayed = this.replay(i.account, i.key, print)
    if (replayed) return replayed
    if (this.available(i.account, now) + this.held(i.account) + i.amount > MAX_BALANCE) return invalid()
    const g: ModelGrant = {
      id: this.id('g'),
      account: i.account,
      source: i.source,
      amount: i.amount,
      remaining: i.amount,
      clawback: 0,
      priority: i.priority,
      expiresAt: i.expiresAt,
      createdAt: now,
      seq: this.count,
      revoked: false,
    }
    this.grants.push(g)
    this.write(i.account, { type: 'grant', amount: i.amount, grantId: g.id, holdId: null, reason: i.source })
    this.housekeep(i.account, now)
    const result = {
      ok: true,
      grantId: g.id,
      entryId: 'entry',
      amount: i.amount,
      available: this.available(i.account, now),
      replayed: false,
    }
    this.keys.set(this.scoped(i.account, i.key), { print, result, grantId: g.id })
    return result
  }

  debit(i: { account: string; amount: number; reason: string; key: string | null }): Result | { code: string } {
    const now = this.now()
    this.housekeep(i.account, now)
    const print = JSON.stringify(['debit', i.account, i.amount, i.reason])
    const replayed = this.replay(i.account, i.key, print)
    if (replayed) return replayed
    const available = this.available(i.account, now)
    if (available < i.amount) return { ok: false, reason: 'insufficient_credits', available, required: i.amount }
    this.take(i.account, i.amount, now)
    this.write(i.account, { type: 'debit', amount: -i.amount, grantId: null, holdId: null, reason: i.reason })
    const result = { ok: true, entryId: 'entry', amount: i.amount, available: available - i.amount, replayed: false }
    if (i.key !== null) this.keys.set(this.scoped(i.account, i.key), { print, result })
    return result
  }

  reserve(i: { account: string; amount: number; ttl: number; reason: string; key: string | null }) {
    const now = this.now()
    this.housekeep(i.account, now)
    const print = JSON.stringify(['reserve', i.account, i.amount, i.ttl, i.reason])
    const replayed = this.replay(i.account, i.key, print)
    if (replayed) return replayed
    const available = this.available(i.account, now)
    if (available < i.amount) return { ok: false, reason: 'insufficient_credits', available, required: i.amount }
    const hold: ModelHold = {
      id: this.id('h'),
      account: i.account,
      amount: i.amount,
      reason: i.reason,
      expiresAt: now + i.ttl,
      createdAt: now,
      status: 'open',
      taken: this.take(i.account, i.amount, now),
      settled: null,
    }
    this.holds.push(hold)
    const { id, account, amount, reason, expiresAt, createdAt } = hold
    const result = {
      ok: true,
      hold: { id, account, amount, reason, expiresAt, createdAt },
      available: available - i.amount,
      replayed: false,
    }
    if (i.key !== null) this.keys.set(this.scoped(i.account, i.key), { print, result })
    return result
  }

  settle(i: { holdId: string; amount: number }): Result | { code: string } {
    const now = this.now()
    const hold = this.holds.find((h) => h.id === i.holdId)
    if (!hold) return { ok: false, reason: 'hold_not_found' }
    this.housekeep(hold.account, now)
    if (hold.status === 'released') return { ok: false, reason: 'hold_closed' }
    if (hold.settled) {
      if (hold.settled.amount !== i.amount) return conflict()
      return { ...hold.settled.result, replayed: true }
    }
    const expired = hold.status === 'expired'
    let fromHold = 0
    let back = { released: 0, forfeited: 0 }
    if (!expired) {
      fromHold = Math.min(i.amount, hold.amount)
      // Charged from the allocations in their order; the rest goes back.
      const rest: Array<{ grant: ModelGrant; units: number }> = []
      let toCharge = fromHold
      for (const part of hold.taken) {
        const c = Math.min(part.units, toCharge)
        toCharge -= c
        if (part.units > c) rest.push({ grant: part.grant, units: part.units - c })
      }
      back = this.giveBack(hold, rest, now)
    }
    hold.status = 'settled'
    const wanted = i.amount - fromHold
    const extra = Math.min(wanted, this.available(hold.account, now))
    if (extra > 0) this.take(hold.account, extra, now)
    const charged = fromHold + extra
    if (charged > 0) {
      this.write(hold.account, { type: 'debit', amount: -charged, grantId: null, holdId: hold.id, reason: hold.reason })
    }
    const result = {
      ok: true,
      charged,
      released: back.released,
      shortfall: wanted - extra,
      forfeited: back.forfeited,
      entryId: charged > 0 ? 'entry' : null,
      available: this.available(hold.account, now),
      holdExpired: expired,
      replayed: false,
    }
    hold.settled = { amount: i.amount, result }
    return result
  }

  release(i: { holdId: string }): Result {
    const now = this.now()
    const hold = this.holds.find((h) => h.id === i.holdId)
    if (!hold) return { ok: false, reason: 'hold_not_found' }
    this.housekeep(hold.account, now)
    if (hold.status === 'settled') return { ok: false, reason: 'hold_closed' }
    if (hold.status !== 'open') {
      return { ok: true, released: 0, forfeited: 0, available: this.available(hold.account, now), replayed: true }
    }
    const back = this.giveBack(hold, hold.taken, now)
    hold.status = 'released'
    // A released hold frees its key: whatever key names this hold is forgotten.
    for (const [key, record] of this.keys) {
      if ((record.result.hold as { id?: string } | undefined)?.id === hold.id) this.keys.delete(key)
    }
    return { ok: true, ...back, available: this.available(hold.account, now), replayed: false }
  }

  revoke(i: {
    account: string
    grantId: string | null
    grantKey: string | null
    amount: number | null
    reason: string
    key: string | null
  }): Result | { code: string } {
    const now = this.now()
    const print = JSON.stringify(['revoke', i.grantId, i.grantKey, i.amount, i.reason])
    const replayed = this.replay(i.account, i.key, print)
    if (replayed) return replayed
    const id =
      i.grantId ?? (i.grantKey === null ? undefined : this.keys.get(this.scoped(i.account, i.grantKey))?.grantId)
    const g = this.grants.find((x) => x.id === id && x.account === i.account)
    if (!g) return { ok: false, reason: 'grant_not_found' }
    this.housekeep(g.account, now)
    let revoked = 0
    let pending = 0
    if (this.live(g, now)) {
      let held = 0
      for (const h of this.holds) {
        if (h.status !== 'open') continue
        for (const part of h.taken) if (part.grant === g) held += part.units
      }
      if (i.amount === null) {
        revoked = g.remaining
        pending = held
        g.revoked = true
      } else {
        revoked = Math.min(g.remaining, i.amount)
        pending = Math.min(i.amount - revoked, Math.max(0, held - g.clawback))
        g.clawback += pending
      }
    }
    g.remaining -= revoked
    if (revoked > 0) {
      this.write(g.account, { type: 'revoke', amount: -revoked, grantId: g.id, holdId: null, reason: i.reason })
    }
    const result = {
      ok: true,
      revoked,
      pending,
      account: g.account,
      grantId: g.id,
      entryId: revoked > 0 ? 'entry' : null,
      available: this.available(g.account, now),
      replayed: false,
    }
    if (i.key !== null) this.keys.set(this.scoped(i.account, i.key), { print, result })
    return result
  }

  balance(account: string): Result {
    const now = this.now()
    this.housekeep(account, now)
    return {
      account,
      available: this.available(account, now),
      held: this.held(account),
      grants: this.order(account, now).map((g) => ({
        id: g.id,
        source: g.source,
        remaining: g.remaining,
        amount: g.amount,
        priority: g.priority,
        expiresAt: g.expiresAt,
        createdAt: g.createdAt,
      })),
    }
  }
}
