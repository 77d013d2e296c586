import {
  type BalanceBody,
  balanceBody,
  type DeductResultBody,
  type GrantResultBody,
  type HistoryBody,
  historyBody,
  jsonResponse,
} from '@metered/core/http'
import { formatCredits } from '../server/headers.js'
import type { Problems } from '../server/problem.js'
import { createDispatcher, type RouteRequest, type RouteSpec } from './dispatch.js'
import { exactUnits } from './exact-units.js'
import { targetAccount } from './guards.js'
import { parseBody, parseQuery } from './input.js'
import { balanceQuery, deductBody, grantBody, historyQuery } from './schemas.js'
import type { CatchAllHandlers, RouteFactoryOptions, RoutesDeps } from './types.js'

const DEFAULT_MAX_BODY = 16_384

/** 400 for a credits amount that is not a whole number of ledger units. */
function badCredits(problems: Problems, unitsPerCredit: number): Response {
  return problems.invalidInput([
    { path: 'credits', message: `must be a positive multiple of ${1 / unitsPerCredit} credits` },
  ])
}

/**
 * The credits API for a catch-all route, per docs/http-api.md:
 * - `GET balance` and `GET history?cursor=&limit=&types=`: the caller's own account; admins may
 *   add `?account=<id>`, anyone else naming another account gets 403.
 * - `POST grant` `{ account, credits, reason, idempotencyKey?, expiresAt? }` and `POST deduct`
 *   `{ account, credits, reason, idempotencyKey? }`: admins only (role read from the user store).
 *   Deducting more than is available is a 402 and writes nothing.
 *
 * Amounts are credits both ways; `reason` becomes the history line (the grant's source or the
 * debit's reason) and the admin's id is kept in the entry's metadata. Client idempotency keys are
 * namespaced (`admin-grant:<key>`, `admin-deduct:<key>`) so they never collide with the app's own
 * keys such as `signup:<userId>`.
 * @example
 * // app/api/credits/[...route]/route.ts
 * export const { GET, POST } = metered.creditRoutes()
 */
export function createCreditRoutes(deps: RoutesDeps, options: RouteFactoryOptions = {}): CatchAllHandlers {
  const { metered } = deps
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY
  const ownHeaders = (available: number, own: boolean) =>
    // Credits-Remaining updates the caller's own balance display (meteredFetch), so it is only
    // sent about the caller's own account, never about the account an admin is looking at.
    own ? { 'Credits-Remaining': formatCredits(available, metered.unitsPerCredit) } : undefined

  const balance = async (r: RouteRequest) => {
    const q = parseQuery(r.url, balanceQuery, r.problems)
    if (!q.ok) return q.response
    const target = await targetAccount(r.identity, q.value.account, r.isAdmin, r.problems)
    if (!target.ok) return target.response
    const b = await metered.ledger.balance(target.account)
    const headers = ownHeaders(b.available, target.own)
    return jsonResponse<BalanceBody>(
      balanceBody(b, metered.toCredits, metered.unitsPerCredit),
      headers ? { headers } : {},
    )
  }

  const history = async (r: RouteRequest) => {
    const q = parseQuery(r.url, historyQuery, r.problems)
    if (!q.ok) return q.response
    const target = await targetAccount(r.identity, q.value.account, r.isAdmin, r.problems)
    if (!target.ok) return target.response
    const page = await metered.ledger.history(target.account, {
      ...(q.value.cursor !== undefined ? { cursor: q.value.cursor } : {}),
      ...(q.value.limit !== undefined ? { limit: q.value.limit } : {}),
      ...(q.value.types !== undefined ? { types: q.value.types } : {}),
    })
    return jsonResponse<HistoryBody>(historyBody(page, metered.toCredits))
  }

  const grant = async (r: RouteRequest) => {
    const body = await parseBody(r.req, grantBody, maxBody, r.problems)
    if (!body.ok) return body.response
    const input = body.value
    const units = exactUnits(input.credits, metered.unitsPerCredit)
    if (units === null) return badCredits(r.problems, metered.unitsPerCredit)
    if (input.expiresAt !== undefined && input.expiresAt <= Date.now()) {
      return r.problems.invalidInput([{ path: 'expiresAt', message: 'must be in the future' }])
    }
    const result = await metered.ledger.grant({
      account: input.account,
      amount: units,
      source: input.reason,
      // A grant needs a key; without the client's, each request is its own grant.
      idempotencyKey: `admin-grant:${input.idempotencyKey ?? crypto.randomUUID()}`,
      ...(input.expiresAt !== undefined ? { expiresAt: input.expiresAt } : {}),
      metadata: { by: r.identity.id, via: 'admin' },
    })
    return jsonResponse<GrantResultBody>({
      ok: true,
      grantId: result.grantId,
      available: metered.toCredits(result.available),
      replayed: result.replayed,
    })
  }

  const deduct = async (r: RouteRequest) => {
    const body = await parseBody(r.req, deductBody, maxBody, r.problems)
    if (!body.ok) return body.response
    const input = body.value
    const units = exactUnits(input.credits, metered.unitsPerCredit)
    if (units === null) return badCredits(r.problems, metered.unitsPerCredit)
    // One atomic check-and-debit in the store: a refusal writes nothing.
    const result = await metered.ledger.debit({
      account: input.account,
      amount: units,
      reason: input.reason,
      ...(input.idempotencyKey !== undefined ? { idempotencyKey: `admin-deduct:${input.idempotencyKey}` } : {}),
      metadata: { by: r.identity.id, via: 'admin' },
    })
    if (!result.ok) {
      return r.problems.insufficientCredits({
        available: metered.toCredits(result.available),
        required: metered.toCredits(result.required),
        buyUrl: deps.buyUrl ?? null,
      })
    }
    return jsonResponse<DeductResultBody>({
      ok: true,
      available: metered.toCredits(result.available),
      replayed: result.replayed,
    })
  }

  const routes: RouteSpec[] = [
    { method: 'GET', path: 'balance', handle: balance },
    { method: 'GET', path: 'history', handle: history },
    { method: 'POST', path: 'grant', admin: true, handle: grant },
    { method: 'POST', path: 'deduct', admin: true, handle: deduct },
  ]
  return createDispatcher(deps, routes, { basePath: options.basePath ?? '/api/credits' })
}
