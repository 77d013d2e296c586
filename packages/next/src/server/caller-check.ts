import { accountSchema, parse, ValidationError } from '@metered/core/adapter'
import type { ProblemIssue } from '@metered/core/http'
import { accountOf, type Identity } from './identify.js'

/**
 * Issues of what the app's identify returned, by core's rule for ids (what every store applies to
 * an account or a user id), or null when the caller is fine. The account is checked, and the user
 * id when it is not the account. Run before the limiter or the ledger is touched, so a hostile
 * identity is refused the same way by every wrapper and moves nothing.
 */
export function callerIdentityIssues(userId: string, account: string): ProblemIssue[] | null {
  const issues = [...idIssues('account', account)]
  if (userId !== account) issues.push(...idIssues('userId', userId))
  return issues.length > 0 ? issues : null
}

function idIssues(path: string, value: unknown): ProblemIssue[] {
  try {
    parse(accountSchema, value)
    return []
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error
    return error.issues.map((issue) => ({ path, message: issue.message }))
  }
}

/** The prefix of anonymous callers' accounts and limiter keys: `ip:<address>`. */
const ANONYMOUS_PREFIX = 'ip:'

/**
 * Issues when a signed-in caller's id or account starts with `ip:`, which would make them share
 * the credits and limits of the anonymous callers from that address; null otherwise. Checked on
 * every call, whatever else is checked where.
 */
export function reservedIdentityIssues(identity: Identity): ProblemIssue[] | null {
  const path = String(accountOf(identity)).startsWith(ANONYMOUS_PREFIX)
    ? 'account'
    : identity.id.startsWith(ANONYMOUS_PREFIX)
      ? 'userId'
      : null
  return path ? [{ path, message: 'must not start with "ip:" (the accounts of anonymous callers)' }] : null
}
