import { type AuthorizeStep, authorizeCall, limitContextOf } from './authorize-call.js'
import { resolveCaller } from './caller.js'
import { createCharges } from './charges.js'
import { createHeaderWriter, type HeaderWriter, withHeaders } from './header-writer.js'
import { meterBody } from './metered-body.js'
import { nextControlFlow } from './next-control-flow.js'
import { type CallHold, createOutputHold, refuseShort } from './output-hold.js'
import { type ParamsOf, type ParamsOption, type RouteParamsOf, resolveParams } from './params.js'
import { unpricedModelError } from './prices.js'
import { DEFAULT_MAX_BODY_BYTES, readJsonBody } from './read-body.js'
import { refusalResponse } from './refusal.js'
import { type StandardSchemaLike, validate } from './schema.js'
import { createSettlement } from './settlement.js'
import { linkedAbort } from './signals.js'
import type {
  BodyOf,
  CreditsContext,
  CreditsHandler,
  MeteredNextCore,
  RouteContext,
  RouteHandler,
  RouteParams,
  WithCreditsOptions,
} from './types.js'
import { isUpstreamError } from './upstream-error.js'

/** The hold of a call whose price is fixed: authorized as given, never fitted or short. */
const AS_GIVEN: CallHold = Object.freeze<CallHold>({
  decide: (_estimate, input, authorize) => authorize(input),
  fitted: null,
  shortOf: null,
})

/** Whether a response is a stream the client reads over time (so settle waits for its end). */
function isEventStream(res: Response): boolean {
  const type = res.headers.get('content-type') ?? ''
  return type.startsWith('text/event-stream') || type.startsWith('application/x-ndjson')
}

/** The header writer plus `Fitted-Output-Tokens`, for a call whose output cap `fit` lowered. */
function withFittedOutput(writer: HeaderWriter, outputTokens: number): HeaderWriter {
  return {
    write(headers, available, limit) {
      writer.write(headers, available, limit)
      headers.set('Fitted-Output-Tokens', String(outputTokens))
      return headers
    },
  }
}

/** Refusals before authorize know the policy, not the balance or the limiter's state. */
function early(headers: HeaderWriter, res: Response): Response {
  headers.write(res.headers, null, null)
  return res
}

/** The `withCredits` wrapper of one `createMeteredNext` instance. */
export function createWithCredits(core: MeteredNextCore) {
  const { metered } = core
  const { errorProblem, invalidInput, payloadTooLarge, problem } = core.problems
  const headerWriter = createHeaderWriter(core)
  // Each unpriced model is logged once (bounded: a permissive schema must not grow this forever).
  const unpricedSeen = new Set<string>()

  /**
   * Wraps an App Router route handler with identify -> body -> authorize (rate limit + hold) ->
   * handler -> settle. See docs/nextjs.md for the statuses, headers and who pays when.
   * @example
   * export const POST = metered.withCredits(
   *   { feature: 'generate', estimate: (req, { body }) => estimateResponses(body, { model }) },
   *   async (req, ctx) => meteredResponsesStream(await openai.responses.create({ ...ctx.body, stream: true }), ctx),
   * )
   */
  return function withCredits<
    P = RouteParams,
    S extends StandardSchemaLike | undefined = undefined,
    PS extends StandardSchemaLike | undefined = undefined,
  >(
    options: WithCreditsOptions<S> & ParamsOption<PS>,
    handler: CreditsHandler<ParamsOf<PS, P>, BodyOf<S>>,
  ): RouteHandler<RouteParamsOf<PS, P>> {
    const hasPrice = options.price !== undefined
    if (hasPrice === (options.estimate !== undefined)) {
      throw new TypeError(`withCredits("${options.feature}"): give exactly one of price and estimate`)
    }
    const maxBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
    const readBody = options.body
      ? options.body === 'json'
      : options.schema !== undefined || typeof options.estimate === 'function'
    const onAbort = options.onAbort ?? 'charge-produced'
    const limitOption = options.limit ?? 'user'
    const settleOn = options.settleOn ?? 'auto'
    const anonymous = options.anonymous ?? 'deny'
    const limitKeyed = limitOption !== false
    const estimateFn = options.estimate
    const outputHold = createOutputHold(metered, options, 'withCredits')
    // A fixed price or a credit estimate is authorized as given: no per-call hold decision.
    const fixedPrice = options.price !== undefined || typeof options.estimate === 'number'
    // The fixed price in units, converted once, after the first authorize: a bad price is refused
    // there as a ValidationError rather than thrown where the route is defined.
    let fixedUnitsOnce: number | null = null

    // typed required in RouteHandler (Next 15's route check); missing outside Next, params are then {}
    return async (req: Request, routeCtx?: RouteContext<RouteParamsOf<PS, P>>): Promise<Response> => {
      // The identity is checked by authorize, before any store is touched.
      const caller = await resolveCaller(core, req, anonymous, false)
      if (!caller.ok) return caller.response
      const { identity, account } = caller
      const limitContext = limitContextOf(identity)
      const headers = headerWriter(limitContext, options.limitRules, limitKeyed)
      // no params schema and no params: nothing to await or check
      const params =
        options.params === undefined && routeCtx?.params === undefined
          ? { ok: true as const, params: {} }
          : await resolveParams(options.params, routeCtx?.params)
      if (!params.ok) return early(headers, params.response)

      // Body: read once, before anything is written, so 400/413 leave no trace.
      let body: unknown
      if (readBody) {
        const read = await readJsonBody(req, maxBytes, core.problems)
        if (!read.ok) return early(headers, read.response)
        body = read.body
        if (options.schema) {
          const checked = await validate(options.schema, body)
          if (!checked.ok) return early(headers, invalidInput(checked.issues))
          body = checked.value
        }
      } else if (Number(req.headers.get('content-length') ?? 0) > maxBytes) {
        return early(headers, payloadTooLarge(maxBytes))
      }
      const typedBody = body as BodyOf<S>

      const hold = fixedPrice ? AS_GIVEN : outputHold.call()
      const step = await authorizeCall(
        core,
        req,
        caller,
        limitContext,
        options,
        typeof estimateFn === 'function' ? () => estimateFn(req, { body: typedBody, user: identity, account }) : null,
        hold.decide,
      )
      // The output cap of a usage estimate, lowered by `fit` when the balance is short (else null);
      // `shortOf` when the hold covers the worst case only together with the balance.
      const { fitted, shortOf } = hold
      if (!step.ok) return early(headers, authorizeFailure(step, options.feature))
      const { estimate, auth } = step
      if (!auth.ok) {
        return refusalResponse(core.problems, auth, {
          toCredits: metered.credits.toCredits,
          buyUrl: core.buyUrl,
          headers: headers.write(new Headers(), auth.available, auth.limit),
        })
      }
      if (shortOf) {
        return refusalResponse(core.problems, await refuseShort(core, auth.ticket, shortOf), {
          toCredits: metered.credits.toCredits,
          buyUrl: core.buyUrl,
          headers: headers.write(new Headers(), shortOf.reach, auth.limit),
        })
      }

      const { ticket } = auth
      const callHeaders = fitted === null ? headers : withFittedOutput(headers, fitted)
      if (hasPrice && fixedUnitsOnce === null) fixedUnitsOnce = metered.credits.toUnits(options.price as number)
      const fixedUnits = fixedUnitsOnce
      const charges = createCharges(metered, options.feature)
      const settlement = createSettlement({
        ticket,
        charges,
        priceUnits: fixedUnits,
        estimate,
        onAbort,
        metadata: options.metadata,
        report: core.onError,
        completed: outputHold.completed,
      })
      const worstOutput = typeof estimate === 'object' ? (estimate.outputTokens ?? null) : null
      const abort = linkedAbort(req.signal)
      const ctx: CreditsContext<ParamsOf<PS, P>, BodyOf<S>> = {
        account,
        user: identity,
        anonymous: caller.anonymous,
        params: params.params as ParamsOf<PS, P>,
        body: typedBody,
        ticket,
        estimate,
        available: metered.credits.toCredits(auth.available),
        maxOutputTokens: fitted ?? worstOutput,
        fitted: fitted !== null,
        charge: (amount) => {
          // A charge after the settle (a callback firing after the stream closed) cannot count
          // any more: say so loudly instead of losing it silently.
          if (settlement.started) {
            core.onError(new Error(`withCredits("${options.feature}"): ctx.charge after the call was settled; ignored`))
            return
          }
          charges.add(amount)
        },
        get signal() {
          return abort.signal
        },
        metered,
      }

      /** Available units after settling `outcome` the way the settlement will (for the header). */
      const holdUnits = Math.max(1, ticket.amount)
      const availableAfter = (outcome: 'ok' | 'error'): number => {
        let units: number | null
        if (outcome === 'error') units = charges.any && !hasPrice ? safeUnits() : null
        else units = fixedUnits ?? (charges.any ? safeUnits() : ticket.amount)
        return units === null ? auth.available + holdUnits : Math.max(0, auth.available + holdUnits - units)
      }
      const safeUnits = (): number => {
        try {
          return charges.units()
        } catch {
          return ticket.amount
        }
      }
      const failure = (outcome: 'error' | 'aborted', error: unknown, upstream = isUpstreamError(error)): Response => {
        core.after(settlement.finish(outcome))
        abort.dispose()
        const h = callHeaders.write(new Headers(), outcome === 'error' ? availableAfter('error') : null, auth.limit)
        if (outcome === 'aborted') return problem('internal', { detail: 'The request was aborted.', headers: h })
        if (upstream) {
          core.onError(error)
          return problem('bad_gateway', { headers: h })
        }
        return errorProblem(error, { onError: core.onError, headers: h })
      }

      let res: Response
      try {
        res = await handler(req, ctx)
      } catch (error) {
        const flow = nextControlFlow(error)
        if (flow) {
          // A redirect is how a handler that did its work sends the caller on: it is charged.
          core.after(settlement.finish(flow === 'redirect' ? 'ok' : 'error'))
          abort.dispose()
          throw error
        }
        return failure(req.signal.aborted || abort.signal.aborted ? 'aborted' : 'error', error)
      }

      const failed = res.status >= 400
      const streaming =
        res.body !== null &&
        !failed &&
        (settleOn === 'body-end' || (settleOn === 'auto' && (isEventStream(res) || (!hasPrice && !charges.any))))

      if (!streaming) {
        // The actual is known: the header shows the balance after settling, and the settle itself
        // runs after the response (the hold keeps concurrent calls honest meanwhile).
        const outcome = failed ? 'error' : 'ok'
        const available = availableAfter(outcome)
        core.after(settlement.finish(outcome))
        abort.dispose()
        return withHeaders(res, res.body, callHeaders, available, auth.limit)
      }

      const first = await meterBody(res.body as ReadableStream<Uint8Array>, settlement.finish, abort)
      // The body failing before its first byte is the upstream failing (the handler already answered).
      if (!first.ok) return failure(first.outcome, first.error, true)
      // The first chunk is out: from here an abort has produced something.
      settlement.outputStarted()
      // Settles when the body ends or is cancelled; `after` keeps the function alive until then.
      core.after(settlement.settled.finally(abort.dispose))
      return withHeaders(res, first.body, callHeaders, auth.available, auth.limit)
    }
  }

  /**
   * A failed authorize as the route's answer. The price table is server configuration: a model
   * without a price is the server's mistake (a client picks a model only through the route's
   * schema), never a 400 blamed on the client; each unpriced model is logged once.
   */
  function authorizeFailure(step: Exclude<AuthorizeStep, { ok: true }>, feature: string): Response {
    if (step.failure === 'client') return invalidInput(step.issues)
    if (step.failure === 'server') return errorProblem(step.error, { onError: core.onError })
    const key = `${feature}\u0000${step.model}`
    if (!unpricedSeen.has(key) && unpricedSeen.size < 1000) {
      unpricedSeen.add(key)
      core.onError(unpricedModelError(feature, step.model, step.error))
    }
    return problem('internal')
  }
}
