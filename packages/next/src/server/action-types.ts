import type { Duration, Metadata, Metered, MeteredUsage, Ticket } from '@metered/core'
import type { ActionRefusal } from './action-refusal.js'
import type { Identity } from './identify.js'
import type { InferInput, StandardSchemaLike } from './schema.js'
import type { AnonymousPolicy, BodyOf, ChargeInput, LimitKeyOption, OutputHoldOptions } from './types.js'

export type { ActionRefusal, ActionRefusalFields, ActionRefusalReason } from './action-refusal.js'

/** What a metered Server Action returns: the handler's value, or a refusal. */
export type ActionResult<T> =
  | {
      ok: true
      data: T
      /** Credits available after this call was settled (null when the settle failed). */
      available: number | null
      /**
       * Present when `fit` lowered the answer's output cap because the balance could not cover the
       * worst case: the cap the handler got (`ctx.maxOutputTokens`), so the client can say the
       * answer may be shorter. The action's counterpart of a route's `Fitted-Output-Tokens` header.
       */
      fittedOutputTokens?: number
    }
  | ActionRefusal

/** What a `withCreditsAction` handler gets besides the input. */
export interface ActionContext {
  /** The account charged (the user id unless the identity names an org account). */
  account: string
  /** The caller; for anonymous callers `{ id: 'ip:<address>' }`. */
  user: Identity
  anonymous: boolean
  /** The hold; settled by the wrapper. */
  ticket: Ticket
  /** The estimate the hold was sized from (credits or usage). */
  estimate: number | MeteredUsage
  /** Credits available after the hold. */
  available: number
  /**
   * The most output tokens the call may produce: send it upstream (`max_output_tokens`). The
   * estimate's `outputTokens`, or less when `fit` lowered it; null when the estimate is credits.
   */
  maxOutputTokens: number | null
  /** Whether `fit` lowered `maxOutputTokens` below the estimate's because of the balance. */
  fitted: boolean
  /** Reports what the call used (credits, `{ credits }`, `{ units }`, `{ usage }`); calls add up. */
  charge(amount: ChargeInput): void
  metered: Metered
}

/** The worst case of an action: credits, usage, or a function of the validated input. */
export type ActionEstimate<B> =
  | number
  | MeteredUsage
  | ((input: B, caller: { user: Identity; account: string }) => number | MeteredUsage | Promise<number | MeteredUsage>)

interface CommonActionOptions<S> extends OutputHoldOptions {
  /** The metered feature: picks the pricer, labels usage events. */
  feature: string
  /**
   * Validates the action's input (any Standard Schema: zod 3.24+ / 4, valibot, arktype); issues
   * are an `invalid_input` refusal and nothing is written. A `FormData` input (a `<form action>`)
   * is turned into an object first (a repeated field becomes an array), so use coercing schemas
   * (`z.coerce.number()`) for its numbers.
   */
  schema?: S
  /** Which limiter key the call consumes. @default 'user' */
  limit?: LimitKeyOption
  /** Only these limiter rules. @default all */
  limitRules?: string[]
  /** Limiter rules whose cost is the units held. @default [] */
  spendCaps?: string[]
  /** Signed-out callers: refuse (`unauthenticated`), or meter them under `ip:<address>`. @default 'deny' */
  anonymous?: AnonymousPolicy
  /** How long the hold lives if the process dies. @default the instance's holdTtl */
  ttl?: Duration
  /** Stored on the hold and the usage event. */
  metadata?: Metadata
  /**
   * The request the caller is identified from. Inside Next, a Request carrying the action's
   * headers (`headers()` from next/headers), which is what `identify` reads (cookies, API keys,
   * the client IP). Give your own outside Next (tests, scripts).
   * @default a Request with the headers of the Server Action's request
   */
  request?: () => Request | Promise<Request>
}

/** `withCreditsAction` options: exactly one of `price` and `estimate`, as for `withCredits`. */
export type WithCreditsActionOptions<S = undefined> = CommonActionOptions<S> &
  (
    | {
        /** A fixed price in credits, charged when the handler returns. */
        price: number
        estimate?: never
      }
    | {
        /** The worst case, held up front; `ctx.charge` reports the actual (the estimate if it never does). */
        estimate: ActionEstimate<BodyOf<S>>
        price?: never
      }
  )

/** The function `withCreditsAction` wraps: the validated input and the metered context. */
export type ActionHandler<B, T> = (input: B, ctx: ActionContext) => T | Promise<T>

/** The Server Action `withCreditsAction` returns: call it from the client like any other. */
export type MeteredAction<S, T> = (
  input: S extends StandardSchemaLike ? InferInput<S> | FormData : unknown,
) => Promise<ActionResult<Awaited<T>>>
