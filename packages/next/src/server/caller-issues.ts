import type { ProblemIssue } from '@metered/core/http'

/**
 * Issue paths core names for what a wrapper takes from the caller: the account and the user id
 * (from the app's identify) and the limiter key (the user id, the IP, or the route's function of
 * the request): `limitKey` as authorize names it, `key` as the limiter does.
 */
const CALLER_PATHS = new Set(['account', 'userId', 'limitKey', 'key'])

/**
 * The issues of a `ValidationError` about the caller only, or null for any other error. A
 * caller core refuses (NUL in an id, 10,000 characters, not a string) is answered like bad input:
 * 400 `invalid_input` on a route, the `invalid_input` refusal from an action.
 */
export function callerIssues(error: unknown): ProblemIssue[] | null {
  const e = error as { code?: unknown; issues?: unknown } | null
  if (e?.code !== 'validation_error' || !Array.isArray(e.issues) || e.issues.length === 0) return null
  const issues = e.issues as Array<{ path?: unknown; message?: unknown }>
  const ok = issues.every(
    (i) => typeof i?.path === 'string' && typeof i.message === 'string' && CALLER_PATHS.has(i.path.split('.')[0]!),
  )
  return ok ? issues.map((i) => ({ path: i.path as string, message: i.message as string })) : null
}
