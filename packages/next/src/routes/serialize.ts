import type { Balance, Entry, HistoryPage, Metered, UsageBucket, UsageStats } from '@metered/core'

/**
 * Ledger units -> credits for JSON. Units never leave the server except as `unitsPerCredit`
 * (docs/http-api.md): the client shows credits and sends credits.
 */
type ToCredits = Metered['toCredits']

export function balanceJson(balance: Balance, metered: Metered) {
  const c = metered.toCredits
  return {
    account: balance.account,
    available: c(balance.available),
    held: c(balance.held),
    unitsPerCredit: metered.unitsPerCredit,
    grants: balance.grants.map((g) => ({
      id: g.id,
      source: g.source,
      remaining: c(g.remaining),
      expiresAt: g.expiresAt,
    })),
  }
}

/**
 * History entries as the contract lists them. Metadata stays on the server: it may hold what the
 * app attached (request ids, admin ids) that the account holder has no business seeing.
 */
export function historyJson(page: HistoryPage, toCredits: ToCredits) {
  return { entries: page.entries.map((e: Entry) => entryJson(e, toCredits)), nextCursor: page.nextCursor }
}

function entryJson(entry: Entry, c: ToCredits) {
  return { id: entry.id, type: entry.type, amount: c(entry.amount), reason: entry.reason, createdAt: entry.createdAt }
}

/** `UsageStats` with every `amount` in credits. */
export function usageJson(stats: UsageStats, c: ToCredits): UsageStats {
  return {
    buckets: stats.buckets.map((b: UsageBucket) => ({ ...b, amount: c(b.amount) })),
    totals: { ...stats.totals, amount: c(stats.totals.amount) },
  }
}

/**
 * Credits -> ledger units, exactly: 0.39 credits at 1000 units per credit is 390 units, while
 * 0.0004 is refused rather than silently rounded (an admin typing a grant means that amount).
 * @returns the units, or null when `credits` is not a whole number of units or not a safe integer
 */
export function exactUnits(credits: number, unitsPerCredit: number): number | null {
  const scaled = credits * unitsPerCredit
  const units = Math.round(scaled)
  if (!Number.isSafeInteger(units) || units <= 0) return null
  // Float noise (0.29 * 1000 = 289.99999999999994) is not a fraction of a unit.
  if (Math.abs(scaled - units) > Math.max(1e-9, Math.abs(scaled) * 1e-15)) return null
  return units
}
