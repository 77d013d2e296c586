import type { LimitResult } from '@metered/core'
import { limitKeyFor, resolveCaller } from './caller.js'
import { callerIssues } from './caller-issues.js'
import { createHeaderWriter, withHeaders } from './header-writer.js'
import { nextControlFlow } from './next-control-flow.js'
import { limitRefusalResponse } from './refusal.js'
import { linkedAbort } from './signals.js'
import type {
  MeteredNextCore,
  RateLimitContext,
  RateLimitHandler,
  RouteContext,
  RouteHandler,
  RouteParams,
  WithRateLimitOptions,
} from './types.js'

/** The `withRateLimit` wrapper of one `createMeteredNext` instance. */
export function createWithRateLimit(core: MeteredNextCore) {
  const { metered } = core
  const { errorProblem, invalidInput } = core.problems
  const headerWriter = createHeaderWriter(core)

  /**
   * Rate limit only: identify (401 unless `anonymous: 'ip'`), one limiter call (429 with
   * Retry-After, 503 when the store is down under 'deny'), then the handler. No credits move.
   * @example
   * export const GET = metered.withRateLimit({ limit: 'ip', anonymous: 'ip' }, async (req, ctx) => Response.json({ ok: true }))
   */
  return function withRateLimit<P = RouteParams>(
    options: WithRateLimitOptions,
    handler: RateLimitHandler<P>,
  ): RouteHandler<P> {
    const limitOption = options.limit ?? 'user'
    // typed required in RouteHandler (Next 15's route check); missing outside Next, params are then {}
    return async (req: Request, routeCtx?: RouteContext<P>): Promise<Response> => {
      const caller = await resolveCaller(core, req, options.anonymous ?? 'deny')
      if (!caller.ok) return caller.response
      const { identity, account } = caller
      const limitContext = { plan: identity.plan ?? null, role: identity.role ?? null }
      const headers = headerWriter(limitContext, options.limitRules)
      const wantBalance = options.creditsHeader ?? !caller.anonymous

      let limit: LimitResult | null = null
      let available: number | null = null
      try {
        const key = limitKeyFor(limitOption, req, identity, core)
        ;[limit, available] = await Promise.all([
          metered.limiter && key !== null
            ? metered.limiter.limit(key, {
                cost: options.cost ?? 1,
                ctx: limitContext,
                ...(options.limitRules ? { rules: options.limitRules } : {}),
              })
            : null,
          // The balance is only for the header: a failing read must not fail the call.
          wantBalance
            ? metered.ledger.balance(account).then(
                (b) => b.available,
                () => null,
              )
            : null,
        ])
      } catch (error) {
        if (nextControlFlow(error)) throw error
        // The key and the account come from the caller (user id, IP, or the app's function of the
        // request): one the stores refuse is the client's 400. Anything else stays a 500 or 503.
        const issues = callerIssues(error)
        return issues ? invalidInput(issues) : errorProblem(error, { onError: core.onError })
      }
      if (limit && !limit.ok) {
        const h = headers.write(new Headers(), available, limit)
        return limitRefusalResponse(core.problems, limit, h)
      }

      const abort = linkedAbort(req.signal)
      const ctx: RateLimitContext<P> = {
        user: identity,
        anonymous: caller.anonymous,
        account,
        params: (routeCtx ? await routeCtx.params : {}) as P,
        limit,
        signal: abort.signal,
      }
      let res: Response
      try {
        res = await handler(req, ctx)
      } catch (error) {
        if (nextControlFlow(error)) throw error
        return errorProblem(error, { onError: core.onError, headers: headers.write(new Headers(), available, limit) })
      } finally {
        abort.dispose()
      }
      return withHeaders(res, res.body, headers, available, limit)
    }
  }
}
