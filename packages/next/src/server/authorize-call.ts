import type { AuthorizeInput, AuthorizeResult, Duration, LimitContext, Metadata, MeteredUsage } from '@metered/core'
import type { ProblemIssue } from '@metered/core/http'
import { type KnownCaller, limitKeyFor } from './caller.js'
import { callerIssues } from './caller-issues.js'
import { clientEstimateIssues } from './estimate-error.js'
import type { Identity } from './identify.js'
import { isUnpricedModel } from './prices.js'
import type { LimitKeyOption, MeteredNextCore } from './types.js'

/** The options of `withCredits` and `withCreditsAction` that shape the authorize. */
export interface AuthorizeOptions {
  feature: string
  price?: number
  limit?: LimitKeyOption
  limitRules?: string[]
  spendCaps?: string[]
  ttl?: Duration
  metadata?: Metadata
}

/**
 * How the authorize of a call went. `auth` is the decision (it may be a refusal). Otherwise:
 * `client`, the caller or an estimate computed from the client's input is what core refused (400
 * / `invalid_input`); `unpriced`, the feature's pricer has no price for the model (the server's
 * mistake); `server`, anything else the wrapper answers without detail.
 */
export type AuthorizeStep =
  | { ok: true; estimate: number | MeteredUsage; auth: AuthorizeResult }
  | { ok: false; failure: 'client'; issues: ProblemIssue[] }
  | { ok: false; failure: 'unpriced'; model: string | null; error: unknown }
  | { ok: false; failure: 'server'; error: unknown }

/**
 * How a call's authorize is decided: by default one `authorize(input)`. `withCredits` holds less
 * than a usage estimate's worst case (the learned output allowance) and may authorize again for a
 * shorter answer (`fit`); it does that here, so its errors are sorted like the plain path's.
 */
export type Decide = (
  estimate: number | MeteredUsage,
  input: AuthorizeInput,
  authorize: (input: AuthorizeInput) => Promise<AuthorizeResult>,
) => Promise<AuthorizeResult>

const authorizeOnce: Decide = (_estimate, input, authorize) => authorize(input)

/** The caller's plan and role, as the limiter picks its rules by them. */
export function limitContextOf(identity: Identity): LimitContext {
  return { plan: identity.plan ?? null, role: identity.role ?? null }
}

/**
 * The estimate, then `metered.authorize` for a known caller: the steps `withCredits` and
 * `withCreditsAction` share between identifying the caller and running the handler.
 * `limitContext` is `limitContextOf(caller.identity)`, which the caller's headers use too.
 * `estimateFromInput` is the route's estimate function applied to this call's input, or null
 * for a fixed price or a static estimate.
 */
export async function authorizeCall(
  core: MeteredNextCore,
  req: Request,
  caller: KnownCaller,
  limitContext: LimitContext,
  options: AuthorizeOptions & { estimate?: unknown },
  estimateFromInput: (() => Promise<number | MeteredUsage> | number | MeteredUsage) | null,
  decide: Decide = authorizeOnce,
): Promise<AuthorizeStep> {
  const { identity, account } = caller
  let estimate: number | MeteredUsage | undefined
  try {
    estimate = estimateFromInput
      ? await estimateFromInput()
      : ((options.estimate as number | MeteredUsage | undefined) ?? (options.price as number))
    // Optional fields only when present: absent, never undefined (exactOptionalPropertyTypes).
    const input: AuthorizeInput = {
      account,
      feature: options.feature,
      estimate,
      limitContext,
    }
    // The account is authorize's default key: given only when it differs (checked once, not twice).
    const limitKey = limitKeyFor(options.limit ?? 'user', req, identity, core)
    if (limitKey !== account) input.limitKey = limitKey
    if (options.limitRules) input.limitRules = options.limitRules
    if (options.spendCaps) input.spendCaps = options.spendCaps
    if (account !== identity.id) input.userId = identity.id
    if (identity.plan !== undefined) input.plan = identity.plan
    if (options.ttl !== undefined) input.ttl = options.ttl
    if (options.metadata) input.metadata = options.metadata
    const auth = await decide(estimate, input, (i) => core.metered.authorize(i))
    return { ok: true, estimate, auth }
  } catch (error) {
    if (isUnpricedModel(error)) {
      return {
        ok: false,
        failure: 'unpriced',
        model: typeof estimate === 'object' ? (estimate.model ?? null) : null,
        error,
      }
    }
    const issues = callerIssues(error) ?? (estimateFromInput ? clientEstimateIssues(error) : null)
    return issues ? { ok: false, failure: 'client', issues } : { ok: false, failure: 'server', error }
  }
}
