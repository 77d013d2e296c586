import { PROBLEMS, type ProblemCode } from './codes.js'
import { type ProblemBody, type ProblemExtensions, problemType } from './problem-body.js'

/** The media type of RFC 9457 problem bodies. */
export const PROBLEM_MEDIA_TYPE = 'application/problem+json'

/** Options of `problemBody` and `problemResponse`: the detail, the code's extension members, headers. */
export interface ProblemResponseOptions<C extends ProblemCode> {
  /** Human-readable, safe to show; defaults to a generic sentence per code. Never put internals here. */
  detail?: string
  /** The code's extension members (`issues`, `available`, `retryAfterMs`, ...). Default: none. */
  extensions?: C extends keyof ProblemExtensions ? ProblemExtensions[C] : Record<string, unknown>
  /** Extra headers (`Retry-After`, `RateLimit`, `Allow`, `Credits-Remaining`). Default: none. */
  headers?: HeadersInit
  /** Base of the `type` URI. @default 'urn:metered:problem:' */
  typeBase?: string
}

/** A code's body, as `problemResponse` sends it. */
export function problemBody<C extends ProblemCode>(code: C, options: ProblemResponseOptions<C> = {}): ProblemBody<C> {
  const spec = PROBLEMS[code]
  return {
    ...options.extensions,
    type: problemType(code, options.typeBase),
    title: spec.title,
    status: spec.status,
    detail: options.detail ?? spec.detail,
    code,
  } as unknown as ProblemBody<C>
}

/**
 * The problem+json response of one code: its status, `no-store` (a refusal is about this
 * request, never to be cached) and the body with `code`.
 * @example problemResponse('forbidden') // 403
 * @example problemResponse('insufficient_credits', { extensions: { available: 0.2, required: 0.39, buyUrl: '/buy' } })
 */
export function problemResponse<C extends ProblemCode>(code: C, options: ProblemResponseOptions<C> = {}): Response {
  const headers = new Headers(options.headers)
  headers.set('Content-Type', PROBLEM_MEDIA_TYPE)
  headers.set('Cache-Control', 'no-store')
  return new Response(JSON.stringify(problemBody(code, options)), { status: PROBLEMS[code].status, headers })
}

/**
 * A JSON success response, `no-store`: balances, histories and profiles are one person's data and
 * change with every call, so no shared or browser cache may keep them.
 */
export function jsonResponse<T>(body: T, init: { status?: number; headers?: HeadersInit } = {}): Response {
  const headers = new Headers(init.headers)
  headers.set('Content-Type', 'application/json')
  headers.set('Cache-Control', 'no-store')
  return new Response(JSON.stringify(body), { status: init.status ?? 200, headers })
}
