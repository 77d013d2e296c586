import type { Metered } from '@metered/core'
import type { Identify } from '../server/identify.js'
import type { Problems } from '../server/problem.js'

/**
 * What the route factories need from a `createMeteredNext` instance. The instance itself fits
 * (`createCreditRoutes(metered)`), and so does a hand-built object for apps that use the
 * factories without the wrappers.
 */
export interface RoutesDeps {
  /** The stores and the credit unit (`metered.credits`). Admin checks read `metered.users`. */
  readonly metered: Metered
  /**
   * Who is calling. Only the id (and `account`, for pooled org credits) is used: the role always
   * comes from the user store.
   */
  readonly identify: Identify
  /** Sees every error answered 500/503 (the response never contains it). @default console.error */
  readonly onError?: (error: unknown) => void
  /** Sent as `buyUrl` in 402 problems. @default null */
  readonly buyUrl?: string | null
  /**
   * The problem builders, with the app's `type` base (`createProblems(typeBase)`).
   * @default `urn:metered:problem:<code>` types
   */
  readonly problems?: Problems
}

/** Options shared by the three route factories. */
export interface RouteFactoryOptions {
  /**
   * Request bodies larger than this are refused with 413 before anything is written. The
   * routes take small JSON objects, so the default is small.
   * @default 16_384 (16 KiB)
   */
  maxBodyBytes?: number
  /**
   * Where the catch-all is mounted. Only used when Next's route params are missing (tests, other
   * frameworks): the path below it is split into segments instead.
   * @default '/api/credits', '/api/profile' or '/api/admin'
   * @example basePath: '/api/v1/credits'
   */
  basePath?: string
}

/** The handlers a catch-all route file exports: `export const { GET, POST } = metered.creditRoutes()`. */
export interface CatchAllHandlers {
  GET: CatchAllHandler
  POST: CatchAllHandler
}

/**
 * An App Router handler for `[...route]` / `[[...route]]`. Next 15+ passes `{ params: Promise<{
 * route: string[] }> }` (`route` is undefined at the root of an optional catch-all; Next 14 passes
 * the object itself, awaited all the same). The context is required, as Next 15's route check
 * demands; without Next's params (tests, other frameworks) the path below `basePath` is used.
 */
export type CatchAllHandler = (req: Request, routeCtx: CatchAllContext) => Promise<Response>

/** The route context of a catch-all handler. */
export interface CatchAllContext {
  params: Promise<Record<string, string | string[] | undefined>>
}
