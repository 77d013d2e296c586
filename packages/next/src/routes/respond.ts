import { PROBLEM_BASE } from '../server/problem.js'

/**
 * A JSON success response. `no-store`: balances, histories and profiles are one person's data
 * and change with every call, so no shared or browser cache may keep them.
 */
export function json(body: unknown, init: { status?: number; headers?: HeadersInit } = {}): Response {
  const headers = new Headers(init.headers)
  headers.set('Content-Type', 'application/json')
  headers.set('Cache-Control', 'no-store')
  return new Response(JSON.stringify(body), { status: init.status ?? 200, headers })
}

/**
 * 405 with `Allow`, as RFC 9457 problem+json. The shared `problem()` helper has no slug for it
 * (docs/http-api.md lists none), so the body is built here in the same shape.
 */
export function methodNotAllowed(allow: ReadonlyArray<string>): Response {
  const body = {
    type: `${PROBLEM_BASE}method-not-allowed`,
    title: 'Method not allowed',
    status: 405,
    detail: `Use ${allow.join(' or ')} here.`,
    allow,
  }
  return new Response(JSON.stringify(body), {
    status: 405,
    headers: { 'Content-Type': 'application/problem+json', 'Cache-Control': 'no-store', Allow: allow.join(', ') },
  })
}
