import { type Credits, ValidationError } from '@metered/core'
import {
  type BalanceBody,
  balanceBody,
  type DeductResultBody,
  type GrantResultBody,
  type HistoryBody,
  historyBody,
  jsonResponse,
} from '@metered/core/http'
import type { Problems } from '../server/problem.js'
import { createDispatcher, type RouteRequest, type RouteSpec } from './dispatch.js'
import { targetAccount } from './guards.js'
import { parseBody, parseQuery } from './input.js'
import { balanceQuery, deductBody, grantBody, historyQuery } from './schemas.js'
import type { CatchAllHandlers, RouteFactoryOptions, RoutesDeps } from './types.js'

const DEFAULT_MAX_BODY = 16_384

/**
 * An admin's amount as whole ledger units, or the 400 answer: someone typing 0.0004 credits means
 * that amount, so it is refused rather than rounded to a unit.
 */
function exactUnits(
  credits: Credits,
  amount: number,
  problems: Problems,
): { units: number; response?: never } | { units?: never; response: Response } {
  try {
    return { units: credits.toUnits(amount, { exact: true }) }
  } catch (error) {
    if (error instanceof ValidationError) return { response: problems.invalidInput(error.issues) }
    throw error
  }
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
    own ? { 'Credits-Remaining': metered.credits.format(available) } : undefined

  const balance = async (r: RouteRequest) => {
    const q = parseQuery(r.url, balanceQuery, r.problems)
    if (!q.ok) return q.response
    const target = await targetAccount(r.identity, q.value.account, r.isAdmin, r.problems)
    if (!target.ok) return target.response
    const b = await metered.ledger.balance(target.account)
    const headers = ownHeaders(b.available, target.own)
    return jsonResponse<BalanceBody>(
      balanceBody(b, metered.credits.toCredits, metered.credits.unitsPerCredit),
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
    return jsonResponse<HistoryBody>(historyBody(page, metered.credits.toCredits))
  }

  const grant = async (r: RouteRequest) => {
    const body = await parseBody(r.req, grantBody, maxBody, r.problems)
    if (!body.ok) return body.response
    const input = body.value
    const { units, response } = exactUnits(metered.credits, input.credits, r.problems)
    if (response) return response
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
      available: metered.credits.toCredits(result.available),
      replayed: result.replayed,
    })
  }

  const deduct = async (r: RouteRequest) => {
    const body = await parseBody(r.req, deductBody, maxBody, r.problems)
    if (!body.ok) return body.response
    const input = body.value
    const { units, response } = exactUnits(metered.credits, input.credits, r.problems)
    if (response) return response
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
        available: metered.credits.toCredits(result.available),
        required: metered.credits.toCredits(result.required),
        buyUrl: deps.buyUrl ?? null,
      })
    }
    return jsonResponse<DeductResultBody>({
      ok: true,
      available: metered.credits.toCredits(result.available),
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
