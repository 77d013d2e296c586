import { jsonResponse, type LoginsBody, loginsBody, type ProfileBody, userBody } from '@metered/core/http'
import { createDispatcher, type RouteRequest, type RouteSpec } from './dispatch.js'
import { targetAccount } from './guards.js'
import { parseQuery } from './input.js'
import { pageQuery, usageQuery } from './schemas.js'
import type { CatchAllHandlers, RouteFactoryOptions, RoutesDeps } from './types.js'
import { usageResponse } from './usage-stats.js'

/**
 * The signed-in user's own data for an optional catch-all route, per docs/http-api.md:
 * - `GET /` -> `{ user, balance: { available, held } }` (404 when the user store has no profile:
 *   wire `meteredAuth` so sign-in records it)
 * - `GET logins?cursor=&limit=` -> `{ logins, nextCursor }`, newest first
 * - `GET usage?from=&to=&bucket=day|hour&by=feature` -> usage stats, amounts in credits
 *
 * `?account=` (on `logins` and `usage`) reads another user, admins only; anyone else gets 403.
 * @example
 * // app/api/profile/[[...route]]/route.ts
 * export const { GET, POST } = metered.profileRoutes()
 */
export function createProfileRoutes(deps: RoutesDeps, options: RouteFactoryOptions = {}): CatchAllHandlers {
  const { metered } = deps
  const now = () => Date.now()
  const usageSchema = usageQuery(now)

  const profile = async (r: RouteRequest) => {
    const [user, balance] = await Promise.all([
      metered.users ? metered.users.get(r.identity.id) : null,
      metered.ledger.balance(r.account),
    ])
    if (!user) return r.problems.notFound('No profile is recorded for this user.')
    return jsonResponse<ProfileBody>(
      {
        user: userBody(user),
        balance: {
          available: metered.credits.toCredits(balance.available),
          held: metered.credits.toCredits(balance.held),
        },
      },
      { headers: { 'Credits-Remaining': metered.credits.format(balance.available) } },
    )
  }

  const logins = async (r: RouteRequest) => {
    const q = parseQuery(r.url, pageQuery, r.problems)
    if (!q.ok) return q.response
    // Logins belong to a user id, not to an org account the user charges to.
    const target = await targetAccount({ id: r.identity.id }, q.value.account, r.isAdmin, r.problems)
    if (!target.ok) return target.response
    if (!metered.users) return r.problems.notFound('Logins are not recorded: no user store is configured.')
    const page = await metered.users.logins(target.account, {
      ...(q.value.cursor !== undefined ? { cursor: q.value.cursor } : {}),
      ...(q.value.limit !== undefined ? { limit: q.value.limit } : {}),
    })
    return jsonResponse<LoginsBody>(loginsBody(page))
  }

  const usage = async (r: RouteRequest) => {
    const q = parseQuery(r.url, usageSchema, r.problems)
    if (!q.ok) return q.response
    const target = await targetAccount(r.identity, q.value.account, r.isAdmin, r.problems)
    if (!target.ok) return target.response
    return usageResponse(metered, target.account, q.value, r.problems)
  }

  const routes: RouteSpec[] = [
    { method: 'GET', path: '', handle: profile },
    { method: 'GET', path: 'logins', handle: logins },
    { method: 'GET', path: 'usage', handle: usage },
  ]
  return createDispatcher(deps, routes, { basePath: options.basePath ?? '/api/profile' })
}
