import type { ProblemIssue } from '@metered/core/http'
import { callerIdentityIssues, reservedIdentityIssues } from './caller-check.js'
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
  return checkedCaller(await core.identify(req), core, req, anonymous, check)
}

/** The caller `identify` returned (or the anonymous one), checked: one step after the await. */
function checkedCaller(
  identity: Identity | null,
  core: MeteredNextCore,
  req: Request,
  anonymous: AnonymousPolicy,
  check: boolean,
): CallerCheck {
  let account: string
  let isAnonymous = false
  if (identity) {
    const reserved = reservedIdentityIssues(identity)
    if (reserved) return { ok: false, reason: 'invalid_input', issues: reserved }
    account = accountOf(identity)
  } else {
    const ip = anonymous === 'ip' ? core.clientIp(req) : null
    // No address to meter by: treat as unauthenticated rather than pool every such caller together.
    if (!ip) return { ok: false, reason: 'unauthenticated' }
    account = `ip:${ip}`
    identity = { id: account }
    isAnonymous = true
  }
  const issues = check ? callerIdentityIssues(identity.id, account) : null
  return issues
    ? { ok: false, reason: 'invalid_input', issues }
    : { ok: true, identity, account, anonymous: isAnonymous }
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
    caller = checkedCaller(await core.identify(req), core, req, anonymous, check)
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
