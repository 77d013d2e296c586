import type { Balance, Credits, Entry, HistoryPage, UsageBucket, UsageStats } from '@metered/core'

/**
 * Ledger units -> credits for JSON, with the metered instance's `credits`. Units never leave the
 * server except as `unitsPerCredit` (docs/http-api.md): the client shows credits and sends credits.
 */
type ToCredits = Credits['toCredits']

/** `GET /credits/balance`'s body (also what `metered.balance(account)` returns to a layout). */
export function balanceJson(balance: Balance, credits: Credits) {
  const c = credits.toCredits
  return {
    account: balance.account,
    available: c(balance.available),
    held: c(balance.held),
    unitsPerCredit: credits.unitsPerCredit,
    grants: balance.grants.map((g) => ({
      id: g.id,
      source: g.source,
      remaining: c(g.remaining),
      expiresAt: g.expiresAt,
    })),
  }
}

/** The credits-denominated balance: `GET /credits/balance`'s body. */
export type BalanceJson = ReturnType<typeof balanceJson>

/**
 * History entries as the contract lists them. Metadata stays on the server: it may hold what the
 * app attached (request ids, admin ids) that the account holder has no business seeing.
 */
export function historyJson(page: HistoryPage, credits: Credits) {
  return { entries: page.entries.map((e: Entry) => entryJson(e, credits.toCredits)), nextCursor: page.nextCursor }
}

function entryJson(entry: Entry, c: ToCredits) {
  return { id: entry.id, type: entry.type, amount: c(entry.amount), reason: entry.reason, createdAt: entry.createdAt }
}

/** `UsageStats` with every `amount` in credits. */
export function usageJson(stats: UsageStats, credits: Credits): UsageStats {
  const c = credits.toCredits
  return {
    buckets: stats.buckets.map((b: UsageBucket) => ({ ...b, amount: c(b.amount) })),
    totals: { ...stats.totals, amount: c(stats.totals.amount) },
  }
}
