import { accountOf, type Identity } from './identify.js'
import type { AnonymousPolicy, LimitKeyOption, MeteredNextCore } from './types.js'

export type Caller =
  | { ok: true; identity: Identity; account: string; anonymous: boolean }
  | { ok: false; response: Response }

/**
 * Who is calling: the app's identify, or for routes that allow it, an anonymous caller metered
 * under `ip:<address>`. Identify failures are answered 500/503 without detail.
 */
export async function resolveCaller(core: MeteredNextCore, req: Request, anonymous: AnonymousPolicy): Promise<Caller> {
  let identity: Identity | null
  try {
    identity = await core.identify(req)
  } catch (error) {
    return { ok: false, response: core.problems.errorProblem(error, { onError: core.onError }) }
  }
  if (identity) return { ok: true, identity, account: accountOf(identity), anonymous: false }
  if (anonymous !== 'ip') return { ok: false, response: core.problems.unauthenticated() }
  const ip = core.clientIp(req)
  // No address to meter by: treat as unauthenticated rather than pool every such caller together.
  if (!ip) return { ok: false, response: core.problems.unauthenticated() }
  const id = `ip:${ip}`
  return { ok: true, identity: { id }, account: id, anonymous: true }
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
