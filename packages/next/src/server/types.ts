import type {
  Credits,
  Duration,
  LimitResult,
  Metadata,
  Metered,
  MeteredOptions,
  MeteredUsage,
  Ticket,
} from '@metered/core'
import type { After } from './after.js'
import type { ClientIp, TrustProxy } from './client-ip.js'
import type { Identify, Identity } from './identify.js'
import type { Problems } from './problem.js'
import type { InferOutput, StandardSchemaLike } from './schema.js'

/** Dynamic route segments as Next passes them: `[id]` -> string, `[...slug]` -> string[]. */
export type RouteParams = Record<string, string | string[] | undefined>

/**
 * The second argument Next passes an App Router route handler. `params` is a promise on Next 15+
 * and a plain object on Next 14; the wrappers await it either way. Typed as the promise because
 * Next 15's generated route check accepts nothing else.
 */
export interface RouteContext<P = RouteParams> {
  params: Promise<P>
}

/**
 * An App Router route handler, e.g. `export const POST: RouteHandler = ...`. The context is a
 * required argument: Next 15's `next build` refuses a route export whose second argument may be
 * undefined. Outside Next (tests), pass `{ params: Promise.resolve({}) }`.
 */
export type RouteHandler<P = RouteParams> = (req: Request, routeCtx: RouteContext<P>) => Promise<Response>

/** What `createMeteredNext` needs besides the stores: how to tell who is calling. */
export interface MeteredNextOptions {
  /**
   * Who sent the request, or null when nobody is signed in. Use `nextAuthV4(getServerSession,
   * authOptions)`, `authjs(auth)`, or any function.
   * @example identify: nextAuthV4(getServerSession, authOptions)
   */
  identify: Identify
  /**
   * Where to buy credits; sent as `buyUrl` in 402 problems so the client can link to it.
   * @default null
   * @example buyUrl: '/buy-credits'
   */
  buyUrl?: string
  /**
   * Runs bookkeeping (settling, usage events) after the response without delaying it.
   * @default Next's `after` from 'next/server' when available, else the task runs un-awaited
   * @example import { after } from 'next/server'; createMeteredNext({ ..., after })
   */
  after?: After
  /**
   * Which headers tell the client's IP (for `limit: 'ip'` and `anonymous: 'ip'`): the number of
   * proxies in front of the app that append to `x-forwarded-for` (the client is that many entries
   * from the right), `'vercel'` (the platform's `x-real-ip`), or `false` (no proxy: no header is
   * believed, so there is no IP). Ignored when `clientIp` is given.
   * @default 'vercel' when env VERCEL is set, else 1
   */
  trustProxy?: TrustProxy
  /**
   * Reads the caller's IP for `limit: 'ip'` and `anonymous: 'ip'`, replacing `trustProxy`.
   * @default clientIpFor({ trustProxy })
   */
  clientIp?: ClientIp
  /**
   * The models each feature is called with, checked at start-up: `createMeteredNext` throws when
   * a feature has no pricer or its pricer has no price for one of them (else every such call
   * would answer 500).
   * @example models: { generate: [CHAT_MODEL], image: ['gpt-image-1'] }
   * Default: none (nothing is checked at start-up).
   */
  models?: Readonly<Record<string, ReadonlyArray<string>>>
  /**
   * Sees every error that was answered 500/502/503 (the response never contains it). Log here.
   * @default console.error
   */
  onError?: (error: unknown) => void
  /**
   * Base of every problem `type` URI the instance sends (routes and wrappers): `type` is this
   * followed by the code. Point it at your own documentation if you publish one.
   * @default 'urn:metered:problem:'
   * @example problemTypeBase: 'https://example.com/problems/'
   */
  problemTypeBase?: string
}

/** `createMeteredNext` options: a ready `Metered`, or the `createMetered` options spread in. */
export type CreateMeteredNextOptions = MeteredNextOptions & ({ metered: Metered } | MeteredOptions)

/**
 * The instance's shared parts, handed to the wrappers and the route factories. Everything hangs
 * off one instance: no module-level state, so two instances (tests, multi-tenant apps) never mix.
 */
export interface MeteredNextCore {
  readonly metered: Metered
  /** The app's identify, normalised (null for anything without an id). Role is the session's claim. */
  identify(req: Request): Promise<Identity | null>
  /** The role for admin checks: from the user store when there is one, never from the client. */
  role(identity: Identity): Promise<'admin' | 'user'>
  readonly buyUrl: string | null
  /** The problem builders, with the instance's `problemTypeBase`. */
  readonly problems: Problems
  readonly after: After
  readonly clientIp: ClientIp
  /** The `onError` option (default `console.error`), made safe to call: it never throws. */
  onError(error: unknown): void
  /**
   * The app's credit unit (`metered.credits`): `toUnits`, `toCredits`, and `format` (ledger units
   * -> the `Credits-Remaining` text).
   */
  readonly credits: Credits
  /** Epoch ms from the instance's clock (`clock` option), for the RateLimit header's `t`. */
  now(): number
}

/** Who meters anonymous callers. */
export type AnonymousPolicy = 'deny' | 'ip'

/** Which limiter key a call consumes. */
export type LimitKeyOption = 'user' | 'ip' | false | ((req: Request, identity: Identity) => string)

/** What the handler reports it used. Several calls add up. */
export type ChargeInput = number | { credits: number } | { units: number } | { usage: MeteredUsage }

/** Who pays when the client goes away mid-stream. */
export type AbortPolicy = 'charge-produced' | 'charge-hold' | 'release'

/** How `withCredits` and `withCreditsAction` hold a usage estimate. */
export interface OutputHoldOptions {
  /**
   * With a usage estimate: how much output the hold covers. `'learned'`: the longest answer of
   * the route's (or action's) last 20 settled turns of that model (the estimate's `outputTokens`
   * until 3 were seen), never more than the estimate's; the answer may still run to the
   * estimate's `outputTokens`, and what it uses past the hold is charged from the balance at
   * settle. The call is admitted only when the hold plus the balance cover the worst case.
   * `'worst-case'`: the hold is the whole estimate. See docs/semantics.md, "Holds of AI calls".
   * @default 'learned'
   */
  hold?: 'learned' | 'worst-case'
  /**
   * Opt-in, with a usage estimate: when the balance cannot cover the worst case, lower the
   * output cap to what the balance affords (`ctx.maxOutputTokens`) instead of refusing, as long
   * as that is at least `minOutputTokens`. The handler must send `ctx.maxOutputTokens` upstream
   * as the request's max output tokens. The client learns the lowered cap from a route's
   * `Fitted-Output-Tokens` header, or an action result's `fittedOutputTokens`.
   * @example fit: { minOutputTokens: 256 }
   */
  fit?: { minOutputTokens: number }
}

interface CommonCreditsOptions<S> extends OutputHoldOptions {
  /** The metered feature: picks the pricer and labels usage events. @example feature: 'generate' */
  feature: string
  /**
   * Validates the JSON body (any Standard Schema: zod, valibot, arktype); issues -> 400. The
   * parsed value is `ctx.body`.
   * @example schema: z.object({ messages: z.array(message) })
   */
  schema?: S
  /**
   * Read the JSON body once even without a schema, so `ctx.body` has it.
   * @default 'json' when `schema` or an `estimate` function is given, else 'none' (the handler reads `req`)
   */
  body?: 'json' | 'none'
  /**
   * Which limiter key the call consumes: the user id, the client IP, none, or your own key.
   * @default 'user'
   */
  limit?: LimitKeyOption
  /** Only these limiter rules. @default all */
  limitRules?: string[]
  /** Limiter rules whose cost is the credits held (spend caps), in ledger units. @default [] */
  spendCaps?: string[]
  /**
   * Anonymous callers: refuse (401), or meter them under the account `ip:<address>`.
   * @default 'deny'
   */
  anonymous?: AnonymousPolicy
  /** Larger bodies are refused with 413 before anything is written. @default 1_048_576 (1 MB) */
  maxBodyBytes?: number
  /** How long the hold lives if the process dies mid-call. @default the metered instance's holdTtl ('10 m') */
  ttl?: Duration
  /**
   * Client abort mid-stream: charge what the handler reported so far (`ctx.charge`, which the AI
   * stream helpers keep up to date), the whole hold, or nothing.
   * @default 'charge-produced'
   */
  onAbort?: AbortPolicy
  /**
   * When to settle. `'auto'`: when the body ends for `text/event-stream` / NDJSON responses and
   * for bodies returned before any `ctx.charge` in estimate mode (the charge is still to come);
   * otherwise (fixed price, already charged, no body, an error status) right on return.
   * @default 'auto'
   */
  settleOn?: 'auto' | 'return' | 'body-end'
  /** Stored on the hold and the usage event. */
  metadata?: Metadata
}

/** The worst case, priced before the call: credits, usage, or a function of the request. */
export type EstimateOption<B> =
  | number
  | MeteredUsage
  | ((
      req: Request,
      input: { body: B; user: Identity; account: string },
    ) => number | MeteredUsage | Promise<number | MeteredUsage>)

/** `withCredits` options: exactly one of `price` (fixed) and `estimate` (worst case, settled later). */
export type WithCreditsOptions<S = undefined> = CommonCreditsOptions<S> &
  (
    | {
        /**
         * A fixed price in credits, taken up front (as a hold settled at exactly this price when
         * the handler succeeds, so a failure before output is released). Decimals allowed.
         * @example price: 5
         */
        price: number
        estimate?: never
      }
    | {
        /**
         * The worst case in credits or usage (prompt + max output tokens). A hold of that size is
         * placed and the actual amount (`ctx.charge`) is settled when the handler's work ends.
         * @example estimate: (req, { body }) => estimateResponses(body, { model: 'gpt-4.1-nano' })
         */
        estimate: EstimateOption<BodyOf<S>>
        price?: never
      }
  )

/** The body type a schema gives (unknown without one). */
export type BodyOf<S> = S extends StandardSchemaLike ? InferOutput<S> : unknown

/** What a `withCredits` handler gets besides the request. */
export interface CreditsContext<P = RouteParams, B = unknown> {
  /** The account charged (the user id unless the identity names an org account). */
  account: string
  /** The caller; for anonymous callers `{ id: 'ip:<address>' }`. */
  user: Identity
  anonymous: boolean
  /** The route's resolved params. */
  params: P
  /** The parsed (and validated) JSON body; undefined when the body was not read. */
  body: B
  /** The hold; settled by the wrapper, so handlers rarely touch it. */
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
  /**
   * Reports what the call used: credits, ledger units or provider usage (priced with the
   * feature's pricer). Calls add up. Reported after a client abort, it is what 'charge-produced' charges.
   */
  charge(amount: ChargeInput): void
  /** Aborted when the client goes away: pass it to the upstream call (`{ signal: ctx.signal }`). */
  signal: AbortSignal
  metered: Metered
}

/** The handler `withCredits` wraps: the request and the metered context (account, body, params, charge). */
export type CreditsHandler<P, B> = (req: Request, ctx: CreditsContext<P, B>) => Response | Promise<Response>

/** `withRateLimit` options. */
export interface WithRateLimitOptions {
  /** Which limiter key the call consumes. @default 'user' */
  limit?: Exclude<LimitKeyOption, false>
  /** Only these limiter rules. @default all */
  limitRules?: string[]
  /** Units this call consumes from each rule. @default 1 */
  cost?: number
  /** Anonymous callers: refuse (401) or limit them by IP. @default 'deny' */
  anonymous?: AnonymousPolicy
  /**
   * Add `Credits-Remaining` (one balance read, in parallel with the limiter).
   * @default true for identified callers
   */
  creditsHeader?: boolean
}

/** What a `withRateLimit` handler gets. */
export interface RateLimitContext<P = RouteParams> {
  /** The caller; for anonymous callers `{ id: 'ip:<address>' }`. */
  user: Identity
  anonymous: boolean
  account: string
  params: P
  /** The limiter's answer (null without a limiter). */
  limit: LimitResult | null
  signal: AbortSignal
}

/** The handler `withRateLimit` wraps: the request and the context (account, params, limit). */
export type RateLimitHandler<P> = (req: Request, ctx: RateLimitContext<P>) => Response | Promise<Response>
