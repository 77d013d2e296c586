import { ValidationError } from '../errors.js'
import type { NormalizedHistory } from '../ledger/normalized.js'
import { type Balance, type Entry, type HistoryPage, MAX_BALANCE, type VerifyResult } from '../ledger/types.js'
import { jsonCopy } from './json-copy.js'
import { type AccountState, isLive, spendingOrder } from './ledger-state.js'

/** Balance of an account already housekept at `now`. */
export function readBalance(acc: AccountState, account: string, now: number): Balance {
  return {
    account,
    available: acc.available,
    held: acc.held,
    grants: spendingOrder(acc, now).map((g) => ({
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

/** Keyset page of entries, newest first. The cursor is the seq of the last entry returned. */
export function readHistory(acc: AccountState, n: NormalizedHistory): HistoryPage {
  const before = n.cursor === null ? Number.POSITIVE_INFINITY : parseCursor(n.cursor)
  const page: Entry[] = []
  let more = false
  let lastSeq = 0
  for (let i = acc.entries.length - 1; i >= 0; i--) {
    const e = acc.entries[i]!
    if (e.seq >= before) continue
    if (n.types !== null && !n.types.includes(e.type)) continue
    if (page.length === n.limit) {
      more = true
      break
    }
    lastSeq = e.seq
    page.push({
      id: e.id,
      account: e.account,
      type: e.type,
      amount: e.amount,
      grantId: e.grantId,
      holdId: e.holdId,
      reason: e.reason,
      metadata: jsonCopy(e.metadata),
      createdAt: e.createdAt,
    })
  }
  // `more` is only known by looking one entry past the page, so the last page never points further.
  return { entries: page, nextCursor: more ? String(lastSeq) : null }
}

function parseCursor(cursor: string): number {
  if (!/^[1-9]\d{0,15}$/.test(cursor)) {
    throw new ValidationError(
      [{ path: 'cursor', message: 'is not a cursor returned by this ledger' }],
      'history options',
    )
  }
  return Number(cursor)
}

/** Recomputes every total from the rows and compares it with the running totals. */
export function readVerify(acc: AccountState, account: string, now: number): VerifyResult {
  const problems: string[] = []
  let liveRemainders = 0
  for (const g of acc.grants) {
    if (g.remaining < 0) problems.push(`grant ${g.id} has remaining ${g.remaining} below zero`)
    if (g.remaining > g.amount) problems.push(`grant ${g.id} has remaining ${g.remaining} above its amount ${g.amount}`)
    if (g.clawback < 0) problems.push(`grant ${g.id} has clawback ${g.clawback} below zero`)
    // Returned units pay the clawback before they go back to remaining, so both cannot be owed.
    if (g.remaining > 0 && g.clawback > 0) {
      problems.push(`grant ${g.id} has both remaining ${g.remaining} and clawback ${g.clawback}`)
    }
    if (isLive(g, now)) liveRemainders += g.remaining
    else if (g.remaining !== 0 && g.status === 'live') problems.push(`expired grant ${g.id} still has ${g.remaining}`)
  }
  let openHolds = 0
  for (const h of acc.openHolds) {
    if (h.status !== 'open') continue
    openHolds += h.amount
    const allocated = h.allocations.reduce((s, a) => s + a.units, 0)
    if (allocated !== h.amount) problems.push(`hold ${h.id} allocates ${allocated} of ${h.amount}`)
  }
  const entriesSum = acc.entries.reduce((s, e) => s + e.amount, 0)
  if (acc.available < 0) problems.push(`available ${acc.available} is below zero`)
  if (acc.available !== liveRemainders) {
    problems.push(`available ${acc.available} != sum of live remainders ${liveRemainders}`)
  }
  if (acc.held !== openHolds) problems.push(`held ${acc.held} != sum of open holds ${openHolds}`)
  if (acc.held < 0) problems.push(`held ${acc.held} is below zero`)
  if (acc.available + acc.held > MAX_BALANCE) {
    problems.push(`available + held ${acc.available + acc.held} is above MAX_BALANCE`)
  }
  if (acc.available + acc.held !== entriesSum) {
    problems.push(`available + held ${acc.available + acc.held} != sum of entries ${entriesSum}`)
  }
  return {
    ok: problems.length === 0,
    account,
    available: acc.available,
    held: acc.held,
    liveRemainders,
    entriesSum,
    openHolds,
    problems,
  }
}
