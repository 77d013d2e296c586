import type { Balance, Entry, HistoryPage } from '../ledger/types.js'
import type { UsageStats } from '../usage/types.js'
import type { Login, LoginPage, UserPage, UserProfile } from '../users/types.js'
import type {
  BalanceBody,
  HistoryBody,
  HistoryEntryBody,
  LoginBody,
  LoginsBody,
  UsageStatsBody,
  UsageTotalsBody,
  UserBody,
  UsersBody,
} from './wire.js'

/** Ledger units -> credits, the instance's conversion (`metered.toCredits`). */
export type ToCredits = (units: number) => number

/** A balance as the routes send it, amounts in credits. */
export function balanceBody(balance: Balance, toCredits: ToCredits, unitsPerCredit: number): BalanceBody {
  return {
    account: balance.account,
    available: toCredits(balance.available),
    held: toCredits(balance.held),
    unitsPerCredit,
    grants: balance.grants.map((g) => ({
      id: g.id,
      source: g.source,
      remaining: toCredits(g.remaining),
      expiresAt: g.expiresAt,
    })),
  }
}

/**
 * A history page. Metadata stays on the server: it may hold what the app attached (request ids,
 * admin ids) that the account holder has no business seeing.
 */
export function historyBody(page: HistoryPage, toCredits: ToCredits): HistoryBody {
  return { entries: page.entries.map((e) => entryBody(e, toCredits)), nextCursor: page.nextCursor }
}

function entryBody(entry: Entry, toCredits: ToCredits): HistoryEntryBody {
  return {
    id: entry.id,
    type: entry.type,
    amount: toCredits(entry.amount),
    reason: entry.reason,
    createdAt: entry.createdAt,
  }
}

/** Usage stats with every `amount` in credits, echoing the query's range and bucket. */
export function usageStatsBody(
  stats: UsageStats,
  toCredits: ToCredits,
  query: { from: number; to: number; bucket: 'hour' | 'day' },
): UsageStatsBody {
  return {
    from: query.from,
    to: query.to,
    bucket: query.bucket,
    buckets: stats.buckets.map((b) => ({ start: b.start, feature: b.feature, ...totalsBody(b, toCredits) })),
    totals: totalsBody(stats.totals, toCredits),
  }
}

function totalsBody(t: UsageStats['totals'], toCredits: ToCredits): UsageTotalsBody {
  return {
    events: t.events,
    amount: toCredits(t.amount),
    inputTokens: t.inputTokens,
    cachedInputTokens: t.cachedInputTokens,
    outputTokens: t.outputTokens,
    quantity: t.quantity,
    errors: t.errors,
  }
}

/** A user: the listed fields only, so whatever else a store keeps never reaches the client. */
export function userBody(user: UserProfile): UserBody {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    image: user.image,
    role: user.role,
    plan: user.plan,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
    lastLoginAt: user.lastLoginAt,
    loginCount: user.loginCount,
  }
}

/** The `GET /api/admin/users` body of a page of user profiles. */
export function usersBody(page: UserPage): UsersBody {
  return { users: page.users.map(userBody), nextCursor: page.nextCursor }
}

function loginBody(login: Login): LoginBody {
  return {
    id: login.id,
    userId: login.userId,
    provider: login.provider,
    ip: login.ip,
    userAgent: login.userAgent,
    at: login.at,
  }
}

/** The `GET /api/profile/logins` body of a page of sign-ins. */
export function loginsBody(page: LoginPage): LoginsBody {
  return { logins: page.logins.map(loginBody), nextCursor: page.nextCursor }
}
