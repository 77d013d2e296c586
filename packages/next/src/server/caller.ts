import type { ProblemIssue } from '@metered/core/http'
import { callerIdentityIssues } from './caller-check.js'
import { accountOf, type Identity } from './identify.js'
import { nextControlFlow } from './next-control-flow.js'
import type { AnonymousPolicy, LimitKeyOption, MeteredNextCore } from './types.js'

/** Who is calling, once known: the identity, the account it is charged to, and how it was told. */
export interface KnownCaller {
  identity: Identity
  account: string
  anonymous: boolean
}

export type Caller = ({ ok: true } & KnownCaller) | { ok: false; response: Response }

/** The outcome of identifying a caller: known, nobody, or an identity no store would take. */
export type CallerCheck =
  | ({ ok: true } & KnownCaller)
  | { ok: false; reason: 'unauthenticated' }
  | { ok: false; reason: 'invalid_input'; issues: ProblemIssue[] }

/**
 * Who is calling: the app's identify, or for routes that allow it, an anonymous caller metered
 * under `ip:<address>`. Errors of the app's identify are thrown.
 *
 * `check`: the identity is checked here by core's rule for ids. A wrapper whose first store call
 * is `authorize` passes `false`: authorize checks the account and the user id (with the same
 * rule, under the same paths) before it touches a store, and once is enough.
 */
export async function identifyCaller(
  core: MeteredNextCore,
  req: Request,
  anonymous: AnonymousPolicy,
  check = true,
): Promise<CallerCheck> {
  const caller = await knownCaller(core, req, anonymous)
  if (!caller) return { ok: false, reason: 'unauthenticated' }
  const issues = check ? callerIdentityIssues(caller.identity.id, caller.account) : null
  return issues ? { ok: false, reason: 'invalid_input', issues } : { ok: true, ...caller }
}

async function knownCaller(
  core: MeteredNextCore,
  req: Request,
  anonymous: AnonymousPolicy,
): Promise<KnownCaller | null> {
  const identity = await core.identify(req)
  if (identity) return { identity, account: accountOf(identity), anonymous: false }
  if (anonymous !== 'ip') return null
  const ip = core.clientIp(req)
  // No address to meter by: treat as unauthenticated rather than pool every such caller together.
  if (!ip) return null
  const id = `ip:${ip}`
  return { identity: { id }, account: id, anonymous: true }
}

/** `identifyCaller` for a route: nobody is 401, a bad identity 400, an identify failure 500/503. */
export async function resolveCaller(
  core: MeteredNextCore,
  req: Request,
  anonymous: AnonymousPolicy,
  check = true,
): Promise<Caller> {
  let caller: CallerCheck
  try {
    caller = await identifyCaller(core, req, anonymous, check)
  } catch (error) {
    // headers() in identify while Next prerenders a GET route: Next's signal that the route is dynamic
    if (nextControlFlow(error)) throw error
    return { ok: false, response: core.problems.errorProblem(error, { onError: core.onError }) }
  }
  if (caller.ok) return caller
  const response =
    caller.reason === 'unauthenticated' ? core.problems.unauthenticated() : core.problems.invalidInput(caller.issues)
  return { ok: false, response }
}

/** The limiter key for a call, or null for none. 'user' is the user id (the IP for anonymous callers). */
export function limitKeyFor(
  option: LimitKeyOption,
  req: Request,
  identity: Identity,
  core: MeteredNextCore,
): string | null {
  if (option === false) return null
  if (option === 'user') return identity.id
  if (option === 'ip') {
    const ip = core.clientIp(req)
    return ip ? `ip:${ip}` : identity.id
  }
  return option(req, identity)
}
