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
