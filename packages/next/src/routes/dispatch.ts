import { reservedIdentityIssues } from '../server/caller-check.js'
import { accountOf, type Identity, runIdentify } from '../server/identify.js'
import { defaultProblems, type Problems } from '../server/problem.js'
import { isAdminUser } from './guards.js'
import type { CatchAllContext, CatchAllHandler, CatchAllHandlers, RoutesDeps } from './types.js'

/** What a route's handler gets: the caller is already identified (and an admin, for admin routes). */
export interface RouteRequest {
  req: Request
  url: URL
  /** `:name` segments of the route's path, URL-decoded. */
  params: Record<string, string>
  identity: Identity
  /** The account the caller's own credits live in. */
  account: string
  /** Whether the caller is an admin, from the user store (looked up once per request). */
  isAdmin(): Promise<boolean>
  /** The problem builders, with the instance's `type` base. */
  problems: Problems
}

export interface RouteSpec {
  method: 'GET' | 'POST'
  /** Segments below the mount point, `:name` for a parameter; `''` for the mount point itself. */
  path: string
  /** Only admins (checked in the user store before the handler runs). */
  admin?: boolean
  handle(r: RouteRequest): Promise<Response>
}

interface Compiled extends RouteSpec {
  segments: string[]
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '')
}

function match(route: Compiled, segments: ReadonlyArray<string>): Record<string, string> | null {
  if (route.segments.length !== segments.length) return null
  const params: Record<string, string> = {}
  for (let i = 0; i < segments.length; i++) {
    const want = route.segments[i] as string
    const got = segments[i] as string
    if (want.startsWith(':')) params[want.slice(1)] = got
    else if (want !== got) return null
  }
  return params
}

/**
 * The path segments below the mount point: Next's catch-all param when given, else the URL's
 * path below `basePath` (route params are absent outside Next).
 */
async function segmentsOf(url: URL, routeCtx: CatchAllContext | undefined, basePath: string): Promise<string[]> {
  if (routeCtx) {
    const params = await routeCtx.params
    // `route` as the docs name the folder; any other single catch-all name works too.
    const route = 'route' in params ? params.route : Object.values(params).find(Array.isArray)
    if (Array.isArray(route)) return route.filter((s) => s !== '')
    if (typeof route === 'string') return splitPath(route)
    // `[[...route]]` at its root: no segments.
    if ('route' in params || Object.keys(params).length === 0) return []
  }
  const base = basePath.replace(/\/+$/, '')
  const path = url.pathname
  if (path !== base && !path.startsWith(`${base}/`)) return []
  return splitPath(path.slice(base.length)).map((s) => {
    try {
      return decodeURIComponent(s)
    } catch {
      return s
    }
  })
}

/**
 * Turns a route table into the `GET`/`POST` exports of one catch-all route file: unknown paths
 * 404, known paths with another method 405 (with `Allow`), then 401 without a session, 403 for
 * non-admins on admin routes, then the handler. Every error is a problem response without detail.
 */
export function createDispatcher(
  deps: RoutesDeps,
  routes: ReadonlyArray<RouteSpec>,
  options: { basePath: string },
): CatchAllHandlers {
  const compiled: Compiled[] = routes.map((r) => ({ ...r, segments: splitPath(r.path) }))
  const report = deps.onError ?? ((error: unknown) => console.error('[metered]', error))
  const problems = deps.problems ?? defaultProblems
  const { errorProblem, forbidden, methodNotAllowed, notFound, unauthenticated } = problems

  const handle = (method: 'GET' | 'POST'): CatchAllHandler => {
    // routeCtx is typed required (Next 15's route check) yet may be missing outside Next
    return async (req: Request, routeCtx?: CatchAllContext) => {
      try {
        const url = new URL(req.url)
        const segments = await segmentsOf(url, routeCtx, options.basePath)
        let found: { route: Compiled; params: Record<string, string> } | null = null
        const allow = new Set<string>()
        for (const route of compiled) {
          const params = match(route, segments)
          if (!params) continue
          allow.add(route.method)
          if (route.method === method && !found) found = { route, params }
        }
        if (!found) return allow.size > 0 ? methodNotAllowed([...allow]) : notFound()

        const identity = await runIdentify(deps.identify, req)
        if (!identity) return unauthenticated()
        const reserved = reservedIdentityIssues(identity)
        if (reserved) return problems.invalidInput(reserved)
        let adminCheck: Promise<boolean> | null = null
        const isAdmin = () => {
          adminCheck ??= isAdminUser(deps.metered.users, identity.id)
          return adminCheck
        }
        if (found.route.admin && !(await isAdmin())) return forbidden('Only admins can do this.')
        return await found.route.handle({
          req,
          url,
          params: found.params,
          identity,
          account: accountOf(identity),
          isAdmin,
          problems,
        })
      } catch (error) {
        // Validation errors thrown by the stores (a malformed cursor, an id too long) are the
        // client's input; anything else is reported and answered without detail.
        return errorProblem(error, { clientInput: true, onError: report })
      }
    }
  }
  return { GET: handle('GET'), POST: handle('POST') }
}
