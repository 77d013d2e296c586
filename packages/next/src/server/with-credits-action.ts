import { actionFailure, actionRefusal, invalidInput } from './action-refusal.js'
import { createActionRequest, formDataToObject } from './action-request.js'
import type {
  ActionContext,
  ActionHandler,
  ActionResult,
  MeteredAction,
  WithCreditsActionOptions,
} from './action-types.js'
import { authorizeCall, limitContextOf } from './authorize-call.js'
import { type CallerCheck, identifyCaller } from './caller.js'
import { createCharges } from './charges.js'
import { nextControlFlow } from './next-control-flow.js'
import { createOutputHold, refuseShort } from './output-hold.js'
import { unpricedModelError } from './prices.js'
import { type StandardSchemaLike, validate } from './schema.js'
import { createSettlement } from './settlement.js'
import type { BodyOf, MeteredNextCore } from './types.js'
import { isUpstreamError } from './upstream-error.js'

/** The `withCreditsAction` wrapper of one `createMeteredNext` instance. */
export function createWithCreditsAction(core: MeteredNextCore) {
  const { metered } = core

  /**
   * Meters a Server Action: identify (from the action's request headers) -> input (schema) ->
   * authorize (rate limit + hold, one decision) -> handler -> settle (or release when it throws).
   * Refusals come back as data the client can show (`{ ok: false, reason }`, the vocabulary of
   * the HTTP problems); success is `{ ok: true, data, available }`, plus `fittedOutputTokens` when
   * `fit` lowered the output cap. A usage estimate is held as `withCredits` holds it (`hold`,
   * `fit`). See docs/routes-and-auth.md.
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
    const anonymous = options.anonymous ?? 'deny'

    const estimateFn = options.estimate
    const outputHold = createOutputHold(metered, options, 'withCreditsAction')

    const action = async (rawInput: unknown): Promise<ActionResult<Awaited<T>>> => {
      let req: Request
      let who: CallerCheck
      try {
        req = await request()
        // The identity is checked by authorize, before any store is touched.
        who = await identifyCaller(core, req, anonymous, false)
      } catch (error) {
        return actionFailure(error, core.onError)
      }
      if (!who.ok)
        return who.reason === 'unauthenticated' ? { ok: false, reason: who.reason } : invalidInput(who.issues)
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

      const hold = outputHold.call()
      const step = await authorizeCall(
        core,
        req,
        who,
        limitContextOf(identity),
        options,
        typeof estimateFn === 'function' ? () => estimateFn(typedInput, { user: identity, account }) : null,
        hold.decide,
      )
      if (!step.ok) {
        if (step.failure === 'client') return invalidInput(step.issues)
        const error =
          step.failure === 'unpriced' ? unpricedModelError(options.feature, step.model, step.error) : step.error
        return actionFailure(error, core.onError)
      }
      const { estimate, auth } = step
      const refusalOptions = { toCredits: metered.credits.toCredits, buyUrl: core.buyUrl }
      if (!auth.ok) return actionRefusal(auth, refusalOptions)
      const { fitted, shortOf } = hold
      if (shortOf) return actionRefusal(await refuseShort(core, auth.ticket, shortOf), refusalOptions)

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
        completed: outputHold.completed,
      })
      const ctx: ActionContext = {
        account,
        user: identity,
        anonymous: who.anonymous,
        ticket,
        estimate,
        available: metered.credits.toCredits(auth.available),
        maxOutputTokens: fitted ?? (typeof estimate === 'object' ? (estimate.outputTokens ?? null) : null),
        fitted: fitted !== null,
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
      const available = settled ? metered.credits.toCredits(settled.available) : null
      return fitted === null ? { ok: true, data, available } : { ok: true, data, available, fittedOutputTokens: fitted }
    }
    return action as MeteredAction<S, T>
  }
}
