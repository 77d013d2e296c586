import { createMetered, type Metered, systemClock } from '@metered/core'
import { type BalanceBody, balanceBody } from '@metered/core/http'
import {
  type AutoTopUpSettingsSource,
  createAdminRoutes,
  createAutoTopUpRoutes,
  createCreditRoutes,
  createProfileRoutes,
} from './routes/index.js'
import type { CatchAllHandlers, RouteFactoryOptions } from './routes/types.js'
import { createAfter } from './server/after.js'
import { clientIpFor } from './server/client-ip.js'
import { resolveRole, runIdentify } from './server/identify.js'
import { assertModelsPriced } from './server/prices.js'
import { createProblems } from './server/problem.js'
import type { CreateMeteredNextOptions, MeteredNextCore } from './server/types.js'
import { createWithCredits } from './server/with-credits.js'
import { createWithCreditsAction } from './server/with-credits-action.js'
import { createWithRateLimit } from './server/with-rate-limit.js'

function logError(error: unknown): void {
  console.error('[metered]', error)
}

/**
 * The shared parts of an instance (identify, role lookup, after, IP, the error hook), without
 * the wrappers: what route factories build on.
 */
export function createMeteredNextCore(options: CreateMeteredNextOptions): MeteredNextCore {
  const metered: Metered = 'metered' in options ? options.metered : createMetered(options)
  if (options.models) assertModelsPriced(metered, options.models)
  const onError = options.onError ?? logError
  const clock = ('clock' in options ? options.clock : undefined) ?? systemClock
  const identify = options.identify
  return {
    metered,
    identify: (req) => runIdentify(identify, req),
    role: (identity) => resolveRole(identity, metered.users),
    buyUrl: options.buyUrl ?? null,
    problems: createProblems(options.problemTypeBase),
    after: createAfter(options.after),
    clientIp:
      options.clientIp ?? clientIpFor(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
    onError(error) {
      try {
        onError(error)
      } catch {
        // a failing logger must not turn a clean problem response into a crash
      }
    },
    credits: metered.credits,
    now: () => clock.now(),
  }
}

/** What `createMeteredNext` returns. */
export interface MeteredNext extends MeteredNextCore {
  /**
   * An account's balance in credits, the body `GET /credits/balance` answers: what a server
   * component (the root layout) passes to `MeteredProvider`'s `initialBalance`.
   * @example <MeteredProvider initialBalance={user ? await metered.balance(user.id) : null}>
   */
  balance(account: string): Promise<BalanceBody>
  /** Wraps a route handler with identify, body checks, rate limit, hold and settle. */
  withCredits: ReturnType<typeof createWithCredits>
  /** Wraps a route handler with identify and the rate limiter only. */
  withRateLimit: ReturnType<typeof createWithRateLimit>
  /** Wraps a Server Action with identify, input checks, rate limit, hold and settle; refusals are data. */
  withCreditsAction: ReturnType<typeof createWithCreditsAction>
  /** `app/api/credits/[...route]/route.ts`: `export const { GET, POST } = metered.creditRoutes()`. */
  creditRoutes(options?: RouteFactoryOptions): CatchAllHandlers
  /** `app/api/profile/[[...route]]/route.ts`: `export const { GET, POST } = metered.profileRoutes()`. */
  profileRoutes(options?: RouteFactoryOptions): CatchAllHandlers
  /** `app/api/admin/[...route]/route.ts`: `export const { GET, POST } = metered.adminRoutes()`. */
  adminRoutes(options?: RouteFactoryOptions): CatchAllHandlers
  /**
   * `app/api/auto-top-up/[[...route]]/route.ts`: the signed-in account's automatic top-up
   * settings. `export const { GET, POST } = metered.autoTopUpRoutes(stripeCredits.autoTopUp!)`.
   */
  autoTopUpRoutes(source: AutoTopUpSettingsSource, options?: RouteFactoryOptions): CatchAllHandlers
}

/**
 * Metered credits and rate limits for Next.js route handlers: one instance per app, holding the
 * stores, the identify function and the wrappers.
 * @example
 * // lib/metered.ts
 * export const metered = createMeteredNext({
 *   ...createPostgresStores(db), limiter, unitsPerCredit: 1000,
 *   pricing: { generate: perToken({ markup: 1.3, creditValue: 0.001 }) },
 *   identify: nextAuthV4(getServerSession, authOptions),
 *   buyUrl: '/buy-credits',
 * })
 * // app/api/turn_response/route.ts
 * export const POST = metered.withCredits({ feature: 'generate', estimate }, handler)
 */
export function createMeteredNext(options: CreateMeteredNextOptions): MeteredNext {
  const core = createMeteredNextCore(options)
  return {
    ...core,
    balance: async (account) =>
      balanceBody(await core.metered.ledger.balance(account), core.credits.toCredits, core.credits.unitsPerCredit),
    withCredits: createWithCredits(core),
    withRateLimit: createWithRateLimit(core),
    withCreditsAction: createWithCreditsAction(core),
    creditRoutes: (routeOptions) => createCreditRoutes(core, routeOptions),
    profileRoutes: (routeOptions) => createProfileRoutes(core, routeOptions),
    adminRoutes: (routeOptions) => createAdminRoutes(core, routeOptions),
    autoTopUpRoutes: (source, routeOptions) => createAutoTopUpRoutes(core, source, routeOptions),
  }
}
