import type { AuthorizeInput, AuthorizeResult, MeteredUsage } from '@metered/core'
import { actionFailure, actionRefusal, invalidInput } from './action-refusal.js'
import { createActionRequest, formDataToObject } from './action-request.js'
import type {
  ActionContext,
  ActionHandler,
  ActionResult,
  MeteredAction,
  WithCreditsActionOptions,
} from './action-types.js'
import { limitKeyFor } from './caller.js'
import { createCharges } from './charges.js'
import { clientEstimateIssues } from './estimate-error.js'
import { accountOf, type Identity } from './identify.js'
import { isUnpricedModel, unpricedModelError } from './prices.js'
import { type StandardSchemaLike, validate } from './schema.js'
import { createSettlement } from './settlement.js'
import type { BodyOf, MeteredNextCore } from './types.js'
import { isUpstreamError } from './upstream-error.js'

/**
 * Errors Next throws on purpose inside a Server Action (`redirect()`, `notFound()`, dynamic usage):
 * they carry a `digest` Next reads, and must reach Next unchanged.
 */
function nextControlFlow(error: unknown): 'redirect' | 'other' | null {
  const digest = (error as { digest?: unknown } | null)?.digest
  if (typeof digest !== 'string') return null
  if (digest.startsWith('NEXT_REDIRECT')) return 'redirect'
  return digest.startsWith('NEXT_') || digest === 'DYNAMIC_SERVER_USAGE' ? 'other' : null
}

/** The `withCreditsAction` wrapper of one `createMeteredNext` instance. */
export function createWithCreditsAction(core: MeteredNextCore) {
  const { metered } = core

  /**
   * Meters a Server Action: identify (from the action's request headers) -> input (schema) ->
   * authorize (rate limit + hold, one decision) -> handler -> settle (or release when it throws).
   * Refusals come back as data the client can show (`{ ok: false, reason }`, the vocabulary of
   * the HTTP problems); success is `{ ok: true, data, available }`. See docs/routes-and-auth.md.
   * @example
   * // app/actions.ts
   * 'use server'
   * export const summarize = metered.withCreditsAction(
   *   { feature: 'summary', price: 2, schema: z.object({ text: z.string().max(10_000) }) },
   *   async ({ text }) => ({ summary: await summarizeWithAI(text) }),
   * )
   */
  return function withCreditsAction<S extends StandardSchemaLike | undefined = undefined, T = unknown>(
    options: WithCreditsActionOptions<S>,
    handler: ActionHandler<BodyOf<S>, T>,
  ): MeteredAction<S, T> {
    const hasPrice = options.price !== undefined
    if (hasPrice === (options.estimate !== undefined)) {
      throw new TypeError(`withCreditsAction("${options.feature}"): give exactly one of price and estimate`)
    }
    const request = options.request ?? createActionRequest()
    const limitOption = options.limit ?? 'user'
    const anonymous = options.anonymous ?? 'deny'

    async function caller(req: Request): Promise<{ identity: Identity; account: string; anonymous: boolean } | null> {
      const identity = await core.identify(req)
      if (identity) return { identity, account: accountOf(identity), anonymous: false }
      const ip = anonymous === 'ip' ? core.clientIp(req) : null
      if (!ip) return null
      return { identity: { id: `ip:${ip}` }, account: `ip:${ip}`, anonymous: true }
    }

    const action = async (rawInput: unknown): Promise<ActionResult<Awaited<T>>> => {
      let req: Request
      let who: Awaited<ReturnType<typeof caller>>
      try {
        req = await request()
        who = await caller(req)
      } catch (error) {
        return actionFailure(error, core.onError)
      }
      if (!who) return { ok: false, reason: 'unauthenticated' }
      const { identity, account } = who

      // Input: validated before anything is written, so a refusal leaves no trace.
      let input: unknown = rawInput instanceof FormData ? formDataToObject(rawInput) : rawInput
      if (options.schema) {
        const checked = await validate(options.schema, input)
        if (!checked.ok) {
          return invalidInput(checked.issues)
        }
        input = checked.value
      }
      const typedInput = input as BodyOf<S>

      let estimate: number | MeteredUsage | undefined
      let auth: AuthorizeResult
      try {
        estimate =
          typeof options.estimate === 'function'
            ? await options.estimate(typedInput, { user: identity, account })
            : (options.estimate ?? (options.price as number))
        const authorize: AuthorizeInput = {
          account,
          feature: options.feature,
          estimate,
          limitKey: limitKeyFor(limitOption, req, identity, core),
          limitContext: { plan: identity.plan ?? null, role: identity.role ?? null },
        }
        if (options.limitRules) authorize.limitRules = options.limitRules
        if (options.spendCaps) authorize.spendCaps = options.spendCaps
        if (account !== identity.id) authorize.userId = identity.id
        if (identity.plan !== undefined) authorize.plan = identity.plan
        if (options.ttl !== undefined) authorize.ttl = options.ttl
        if (options.metadata) authorize.metadata = options.metadata
        auth = await metered.authorize(authorize)
      } catch (error) {
        if (isUnpricedModel(error)) {
          const model = typeof estimate === 'object' ? (estimate.model ?? null) : null
          return actionFailure(unpricedModelError(options.feature, model, error), core.onError)
        }
        // An estimate computed from the client's input that core refuses is the client's mistake.
        const issues = typeof options.estimate === 'function' ? clientEstimateIssues(error) : null
        if (issues) return invalidInput(issues)
        return actionFailure(error, core.onError)
      }
      if (!auth.ok) return actionRefusal(auth, { toCredits: metered.credits.toCredits, buyUrl: core.buyUrl })

      const { ticket } = auth
      const charges = createCharges(metered, options.feature)
      const settlement = createSettlement({
        ticket,
        charges,
        priceUnits: hasPrice ? metered.credits.toUnits(options.price as number) : null,
        estimate,
        onAbort: 'charge-produced',
        metadata: options.metadata,
        report: core.onError,
      })
      const ctx: ActionContext = {
        account,
        user: identity,
        anonymous: who.anonymous,
        ticket,
        estimate,
        available: metered.credits.toCredits(auth.available),
        charge: (amount) => {
          if (settlement.started) {
            core.onError(
              new Error(`withCreditsAction("${options.feature}"): ctx.charge after the call was settled; ignored`),
            )
            return
          }
          charges.add(amount)
        },
        metered,
      }

      let data: Awaited<T>
      try {
        data = await handler(typedInput, ctx)
      } catch (error) {
        const flow = nextControlFlow(error)
        // A redirect is how an action that did its work sends the user on: it is charged.
        await settlement.finish(flow === 'redirect' ? 'ok' : 'error')
        if (flow) throw error
        if (isUpstreamError(error)) {
          core.onError(error)
          return { ok: false, reason: 'bad_gateway' }
        }
        return actionFailure(error, core.onError)
      }
      // Settled before answering: the client's next balance read already shows the charge.
      const settled = await settlement.finish('ok')
      return { ok: true, data, available: settled ? metered.credits.toCredits(settled.available) : null }
    }
    return action as MeteredAction<S, T>
  }
}
