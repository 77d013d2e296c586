import type { EntryType, GrantResult, Metadata } from '../ledger/types.js'

/**
 * In-memory rows of the reference ledger, shaped like the state in docs/semantics.md.
 * Everything here is synchronous on purpose: each ledger operation runs start to finish
 * without yielding, which is what makes the memory ledger atomic under concurrent callers.
 */

export interface GrantRow {
  id: string
  account: string
  source: string
  amount: number
  remaining: number
  /**
   * Units a partial revoke could not take because they were held: taken from the held units
   * when their hold returns them (docs/semantics.md, "Returning held units").
   */
  clawback: number
  priority: number
  expiresAt: number | null
  createdAt: number
  seq: number
  status: 'live' | 'revoked'
}

export interface Allocation {
  grant: GrantRow
  units: number
}

export interface HoldRow {
  id: string
  account: string
  amount: number
  reason: string
  expiresAt: number
  createdAt: number
  metadata: Metadata | null
  status: 'open' | 'settled' | 'released' | 'expired'
  allocations: Allocation[]
  /** The idempotency key the hold was placed with: its release frees the key. */
  key: string | null
  /** The settle result, kept so a repeated settle can be replayed or refused. */
  settled?: { amount: number; result: object }
}

export interface EntryRow {
  id: string
  seq: number
  account: string
  type: EntryType
  amount: number
  grantId: string | null
  holdId: string | null
  reason: string
  metadata: Metadata | null
  createdAt: number
}

export interface AccountState {
  grants: GrantRow[]
  /**
   * Open holds only, in creation order (a Set so closing one is O(1)): housekeeping and `verify`
   * look at no other hold, and a busy account closes thousands.
   */
  openHolds: Set<HoldRow>
  /**
   * A lower bound on the expiry of every open hold and of every live grant with units left, so
   * housekeeping returns at once while nothing can be due. Lowered whenever such a row appears or
   * a grant gets units back, recomputed by each full housekeeping pass.
   */
  nextExpiry: number
  /** Append-only, in seq order. */
  entries: EntryRow[]
  /**
   * Running totals kept alongside the rows, like the account row of a SQL store. `verify`
   * recomputes both from the rows, so a bookkeeping slip in this model shows up there.
   */
  available: number
  held: number
}

export interface IdempotencyRecord {
  fingerprint: string
  result: object
}

export interface LedgerState {
  accounts: Map<string, AccountState>
  grants: Map<string, GrantRow>
  holds: Map<string, HoldRow>
  /**
   * Idempotency records of grants, debits, reserves and revokes, by `scopedKey(account, key)`:
   * one namespace per account.
   */
  keys: Map<string, IdempotencyRecord>
  seq: number
  ids: number
}

export function createLedgerState(): LedgerState {
  return { accounts: new Map(), grants: new Map(), holds: new Map(), keys: new Map(), seq: 0, ids: 0 }
}

export function nextId(state: LedgerState, prefix: string): string {
  state.ids += 1
  return `${prefix}_${state.ids}`
}

export function accountState(state: LedgerState, account: string): AccountState {
  let acc = state.accounts.get(account)
  if (!acc) {
    acc = { grants: [], openHolds: new Set(), nextExpiry: Number.POSITIVE_INFINITY, entries: [], available: 0, held: 0 }
    state.accounts.set(account, acc)
  }
  return acc
}

export function appendEntry(state: LedgerState, acc: AccountState, entry: Omit<EntryRow, 'id' | 'seq'>): EntryRow {
  state.seq += 1
  // Field by field rather than a spread: one row per write, and every row gets the same shape.
  const row: EntryRow = {
    id: nextId(state, 'entry'),
    seq: state.seq,
    account: entry.account,
    type: entry.type,
    amount: entry.amount,
    grantId: entry.grantId,
    holdId: entry.holdId,
    reason: entry.reason,
    metadata: entry.metadata,
    createdAt: entry.createdAt,
  }
  acc.entries.push(row)
  return row
}

export function isLive(grant: GrantRow, now: number): boolean {
  return grant.status === 'live' && (grant.expiresAt === null || grant.expiresAt > now)
}

/** Live grants with something left: priority desc, soonest expiry (never last), then oldest. */
export function spendingOrder(acc: AccountState, now: number): GrantRow[] {
  return acc.grants
    .filter((g) => g.remaining > 0 && isLive(g, now))
    .sort(
      (a, b) =>
        b.priority - a.priority ||
        (a.expiresAt ?? Number.POSITIVE_INFINITY) - (b.expiresAt ?? Number.POSITIVE_INFINITY) ||
        a.seq - b.seq,
    )
}

/** Takes `units` in spending order. The caller has checked `acc.available >= units`. */
export function take(acc: AccountState, units: number, now: number): Allocation[] {
  const allocations: Allocation[] = []
  let left = units
  for (const grant of spendingOrder(acc, now)) {
    if (left === 0) break
    const n = Math.min(grant.remaining, left)
    grant.remaining -= n
    left -= n
    allocations.push({ grant, units: n })
  }
  if (left !== 0) throw new Error(`memory ledger: took ${units - left} of ${units}; available was stale`)
  acc.available -= units
  return allocations
}

/**
 * Returns held units to their grants, last taken first (docs/semantics.md, "Returning held
 * units"). A grant that is no longer live does not get them back: they are forfeited, recorded
 * by one `expire` entry naming the hold. A live grant that owes a clawback pays it first, one
 * `revoke` entry per grant. Either way the entries keep summing to available + held.
 */
export function giveBack(
  state: LedgerState,
  acc: AccountState,
  hold: HoldRow,
  allocations: Allocation[],
  now: number,
): { released: number; forfeited: number } {
  let released = 0
  let lost = 0
  const clawed = new Map<GrantRow, number>()
  for (let i = allocations.length - 1; i >= 0; i--) {
    const { grant, units } = allocations[i]!
    if (!isLive(grant, now)) {
      lost += units
      continue
    }
    const c = Math.min(units, grant.clawback)
    if (c > 0) {
      grant.clawback -= c
      clawed.set(grant, (clawed.get(grant) ?? 0) + c)
    }
    const back = units - c
    if (back > 0) {
      grant.remaining += back
      noteExpiry(acc, grant.expiresAt)
      acc.available += back
      released += back
    }
  }
  let forfeited = lost
  for (const [grant, c] of clawed) {
    forfeited += c
    appendEntry(state, acc, {
      account: hold.account,
      type: 'revoke',
      amount: -c,
      grantId: grant.id,
      holdId: hold.id,
      reason: 'clawback',
      metadata: null,
      createdAt: now,
    })
  }
  if (lost > 0) {
    appendEntry(state, acc, {
      account: hold.account,
      type: 'expire',
      amount: -lost,
      grantId: null,
      holdId: hold.id,
      reason: hold.reason,
      metadata: null,
      createdAt: now,
    })
  }
  return { released, forfeited }
}

/** Units of `grant` held by open holds of its account. */
export function heldFrom(acc: AccountState, grant: GrantRow): number {
  let units = 0
  for (const hold of acc.openHolds) {
    for (const a of hold.allocations) if (a.grant === grant) units += a.units
  }
  return units
}

/** Closes an open hold: it no longer counts as held. */
export function closeHold(acc: AccountState, hold: HoldRow, status: 'settled' | 'released' | 'expired'): void {
  hold.status = status
  acc.held -= hold.amount
  acc.openHolds.delete(hold)
}

/** Opens a hold on its account: it counts as held and housekeeping will look at it. */
export function openHold(acc: AccountState, hold: HoldRow): void {
  acc.openHolds.add(hold)
  acc.held += hold.amount
  noteExpiry(acc, hold.expiresAt)
}

/** Keeps `acc.nextExpiry` a lower bound after a row that can expire at `expiresAt` appeared. */
export function noteExpiry(acc: AccountState, expiresAt: number | null): void {
  if (expiresAt !== null && expiresAt < acc.nextExpiry) acc.nextExpiry = expiresAt
}

/**
 * Lazy expiry, run first by every read and write of an account: expired grants lose what is
 * left (an `expire` entry each), then expired holds return their units as a release would.
 */
export function housekeep(state: LedgerState, acc: AccountState, now: number): void {
  // Every row housekeeping would touch expires at or after nextExpiry: nothing is due yet.
  if (now < acc.nextExpiry) return
  for (const grant of acc.grants) {
    if (grant.status === 'live' && grant.remaining > 0 && grant.expiresAt !== null && grant.expiresAt <= now) {
      appendEntry(state, acc, {
        account: grant.account,
        type: 'expire',
        amount: -grant.remaining,
        grantId: grant.id,
        holdId: null,
        reason: grant.source,
        metadata: null,
        createdAt: now,
      })
      acc.available -= grant.remaining
      grant.remaining = 0
    }
  }
  for (const hold of acc.openHolds) {
    if (hold.expiresAt <= now) {
      giveBack(state, acc, hold, hold.allocations, now)
      closeHold(acc, hold, 'expired')
    }
  }
  // Everything due is done; what is left expires later. Recomputed from the rows, so a bound
  // lowered by rows that have since closed does not keep every later call scanning.
  let next = Number.POSITIVE_INFINITY
  for (const grant of acc.grants) {
    if (grant.status === 'live' && grant.remaining > 0 && grant.expiresAt !== null && grant.expiresAt < next) {
      next = grant.expiresAt
    }
  }
  for (const hold of acc.openHolds) if (hold.expiresAt < next) next = hold.expiresAt
  acc.nextExpiry = next
}

/** The map key of `account`'s idempotency key `key` (JSON, so no two pairs collide). */
export function scopedKey(account: string, key: string): string {
  return JSON.stringify([account, key])
}

/** Looks up a grant of `account` by the idempotency key it was granted with. */
export function grantByKey(state: LedgerState, account: string, key: string): GrantRow | undefined {
  const record = state.keys.get(scopedKey(account, key))
  if (!record?.fingerprint.startsWith('grant|')) return undefined
  return state.grants.get((record.result as GrantResult).grantId)
}
