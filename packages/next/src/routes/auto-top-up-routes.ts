import { type AutoTopUpSettingsBody, jsonResponse } from '@metered/core/http'
import * as z from 'zod/mini'
import { createDispatcher, type RouteRequest } from './dispatch.js'
import { parseBody } from './input.js'
import type { CatchAllHandlers, RouteFactoryOptions, RoutesDeps } from './types.js'

/**
 * What the settings route needs: `createStripeCredits(...).autoTopUp` fits (typed structurally,
 * so `@metered/next` does not depend on `@metered/stripe`).
 */
export interface AutoTopUpSettingsSource {
  /** The account's saved settings (disabled defaults when it has none). */
  settings(account: string): Promise<AutoTopUpSettingsBody>
  /** Validates and saves the account's settings; answers what was saved. */
  configure(
    account: string,
    input: { enabled: boolean; threshold: number; packId: string },
  ): Promise<AutoTopUpSettingsBody>
}

// Shape only; the Stripe side checks the pack and the threshold's unit and answers
// ValidationError, which the dispatcher turns into the same 400 problem.
const settingsBody = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    enabled: z.boolean(),
    threshold: z.number().check(z.gte(0)),
    packId: z.string().check(z.minLength(1), z.maxLength(64)),
  }),
)

/**
 * The signed-in account's automatic top-up settings, per docs/http-api.md:
 * - `GET /` -> `AutoTopUpSettingsBody`
 * - `POST /` `{ enabled, threshold, packId }` -> the saved `AutoTopUpSettingsBody` (400 problem for
 *   a bad body or a pack that cannot be charged off-session)
 *
 * Always the caller's own account: there is no `?account=`, not even for admins.
 * @example
 * // app/api/auto-top-up/[[...route]]/route.ts
 * export const { GET, POST } = metered.autoTopUpRoutes(stripeCredits.autoTopUp!)
 */
export function createAutoTopUpRoutes(
  deps: RoutesDeps,
  source: AutoTopUpSettingsSource,
  options: RouteFactoryOptions = {},
): CatchAllHandlers {
  const maxBytes = options.maxBodyBytes ?? 16_384
  const read = async (r: RouteRequest) => jsonResponse<AutoTopUpSettingsBody>(await source.settings(r.account))
  const save = async (r: RouteRequest) => {
    const body = await parseBody(r.req, settingsBody, maxBytes, r.problems)
    if (!body.ok) return body.response
    return jsonResponse<AutoTopUpSettingsBody>(await source.configure(r.account, body.value))
  }
  return createDispatcher(
    deps,
    [
      { method: 'GET', path: '', handle: read },
      { method: 'POST', path: '', handle: save },
    ],
    { basePath: options.basePath ?? '/api/auto-top-up' },
  )
}
