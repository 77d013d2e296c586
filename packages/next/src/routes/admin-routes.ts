import { ALL_ACCOUNTS, exportUsage } from '@metered/core'
import {
  balanceBody,
  type HistoryBody,
  historyBody,
  jsonResponse,
  type LoginsBody,
  loginsBody,
  type UserDetailBody,
  type UserRoleBody,
  type UsersBody,
  userBody,
  usersBody,
} from '@metered/core/http'
import { createDispatcher, type RouteRequest, type RouteSpec } from './dispatch.js'
import { parseBody, parseQuery } from './input.js'
import {
  pathAccountHistoryQuery,
  pathAccountPageQuery,
  roleBody,
  usageExportQuery,
  usageQuery,
  userListQuery,
} from './schemas.js'
import type { CatchAllHandlers, RouteFactoryOptions, RoutesDeps } from './types.js'
import { usageResponse } from './usage-stats.js'

const DEFAULT_MAX_BODY = 16_384

/**
 * User administration for a catch-all route, admins only (401 without a session, 403 unless the
 * user store says `role: 'admin'`), per docs/http-api.md:
 * - `GET users?search=&cursor=&limit=` -> `{ users, nextCursor }`, newest first
 * - `GET users/<id>` -> `{ user, balance }` (balance as `GET /api/credits/balance`)
 * - `POST users/<id>/role` `{ role: 'admin' | 'user' }` -> `{ user }`
 * - `GET users/<id>/history?cursor=&limit=&types=`, `GET users/<id>/usage?from=&to=&bucket=&by=`,
 *   `GET users/<id>/logins?cursor=`
 * - `GET usage/export?account=<id>&from=&to=&format=csv|ndjson` -> the usage log streamed page by
 *   page, amounts in credits; every account's without `account`
 *
 * A user's credits are read from the account named by their id (pooled org accounts: use
 * `GET /api/credits/balance?account=<org>`).
 * @example
 * // app/api/admin/[...route]/route.ts
 * export const { GET, POST } = metered.adminRoutes()
 */
export function createAdminRoutes(deps: RoutesDeps, options: RouteFactoryOptions = {}): CatchAllHandlers {
  const { metered } = deps
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY
  const usageSchema = usageQuery(() => Date.now())
  // Admin routes only run once the store confirmed an admin, so `users` is there.
  const users = () => {
    if (!metered.users) throw new Error('adminRoutes need a user store')
    return metered.users
  }
  const idOf = (r: RouteRequest) => r.params.id as string

  const list = async (r: RouteRequest) => {
    const q = parseQuery(r.url, userListQuery, r.problems)
    if (!q.ok) return q.response
    const page = await users().list({
      ...(q.value.search !== undefined ? { search: q.value.search } : {}),
      ...(q.value.cursor !== undefined ? { cursor: q.value.cursor } : {}),
      ...(q.value.limit !== undefined ? { limit: q.value.limit } : {}),
    })
    return jsonResponse<UsersBody>(usersBody(page))
  }

  const show = async (r: RouteRequest) => {
    const id = idOf(r)
    const [user, balance] = await Promise.all([users().get(id), metered.ledger.balance(id)])
    if (!user) return r.problems.notFound('No such user.')
    return jsonResponse<UserDetailBody>({
      user: userBody(user),
      balance: balanceBody(balance, metered.credits.toCredits, metered.credits.unitsPerCredit),
    })
  }

  const setRole = async (r: RouteRequest) => {
    const body = await parseBody(r.req, roleBody, maxBody, r.problems)
    if (!body.ok) return body.response
    // Unknown users throw NotFoundError, answered 404.
    const user = await users().setRole(idOf(r), body.value.role)
    return jsonResponse<UserRoleBody>({ user: userBody(user) })
  }

  const history = async (r: RouteRequest) => {
    const q = parseQuery(r.url, pathAccountHistoryQuery, r.problems)
    if (!q.ok) return q.response
    const page = await metered.ledger.history(idOf(r), {
      ...(q.value.cursor !== undefined ? { cursor: q.value.cursor } : {}),
      ...(q.value.limit !== undefined ? { limit: q.value.limit } : {}),
      ...(q.value.types !== undefined ? { types: q.value.types } : {}),
    })
    return jsonResponse<HistoryBody>(historyBody(page, metered.credits.toCredits))
  }

  const usage = async (r: RouteRequest) => {
    const q = parseQuery(r.url, usageSchema, r.problems)
    if (!q.ok) return q.response
    return usageResponse(metered, idOf(r), q.value, r.problems)
  }

  const logins = async (r: RouteRequest) => {
    const q = parseQuery(r.url, pathAccountPageQuery, r.problems)
    if (!q.ok) return q.response
    const page = await users().logins(idOf(r), {
      ...(q.value.cursor !== undefined ? { cursor: q.value.cursor } : {}),
      ...(q.value.limit !== undefined ? { limit: q.value.limit } : {}),
    })
    return jsonResponse<LoginsBody>(loginsBody(page))
  }

  const exportSchema = usageExportQuery(() => Date.now())
  const exportUsageRoute = async (r: RouteRequest) => {
    if (!metered.usage) return r.problems.notFound('No usage store is configured.')
    const q = parseQuery(r.url, exportSchema, r.problems)
    if (!q.ok) return q.response
    const { format, account, ...range } = q.value
    const body = exportUsage(metered.usage, {
      ...range,
      account: account ?? ALL_ACCOUNTS,
      format,
      credits: metered.credits,
    })
    const name = `usage-${account === undefined ? 'all' : 'account'}-${new Date(range.from).toISOString().slice(0, 10)}`
    return new Response(body, {
      headers: {
        'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
        'Content-Disposition': `attachment; filename="${name}.${format === 'csv' ? 'csv' : 'ndjson'}"`,
        'Cache-Control': 'no-store',
      },
    })
  }

  const routes: RouteSpec[] = [
    { method: 'GET', path: 'usage/export', admin: true, handle: exportUsageRoute },
    { method: 'GET', path: 'users', admin: true, handle: list },
    { method: 'GET', path: 'users/:id', admin: true, handle: show },
    { method: 'POST', path: 'users/:id/role', admin: true, handle: setRole },
    { method: 'GET', path: 'users/:id/history', admin: true, handle: history },
    { method: 'GET', path: 'users/:id/usage', admin: true, handle: usage },
    { method: 'GET', path: 'users/:id/logins', admin: true, handle: logins },
  ]
  return createDispatcher(deps, routes, { basePath: options.basePath ?? '/api/admin' })
}
