import { isMeteredError, type ValidationIssue } from '@metered/core'

/**
 * RFC 9457 problem details, as listed in docs/http-api.md. Every refusal and error that leaves a
 * metered route is one of these; nothing else (no stack, SQL or internal message) ever goes out.
 */

/** Base of every problem `type`: `https://metered.dev/problems/<slug>`. */
export const PROBLEM_BASE = 'https://metered.dev/problems/'

export type ProblemSlug =
  | 'invalid-input'
  | 'unauthenticated'
  | 'insufficient-credits'
  | 'forbidden'
  | 'not-found'
  | 'payload-too-large'
  | 'rate-limited'
  | 'store-unavailable'
  | 'bad-gateway'
  | 'internal'

/** The JSON body of a problem response. */
export interface ProblemBody {
  type: string
  title: string
  status: number
  detail: string
  [extension: string]: unknown
}

const TITLES: Record<ProblemSlug, { status: number; title: string; detail: string }> = {
  'invalid-input': { status: 400, title: 'Invalid input', detail: 'The request is not valid.' },
  unauthenticated: { status: 401, title: 'Unauthenticated', detail: 'Sign in to use this.' },
  'insufficient-credits': {
    status: 402,
    title: 'Insufficient credits',
    detail: 'Not enough credits for this request.',
  },
  forbidden: { status: 403, title: 'Forbidden', detail: 'You are not allowed to do this.' },
  'not-found': { status: 404, title: 'Not found', detail: 'Nothing here.' },
  'payload-too-large': { status: 413, title: 'Payload too large', detail: 'The request body is too large.' },
  'rate-limited': { status: 429, title: 'Too many requests', detail: 'Rate limit reached; retry later.' },
  'store-unavailable': {
    status: 503,
    title: 'Service unavailable',
    detail: 'A metering store is unavailable; retry later.',
  },
  'bad-gateway': { status: 502, title: 'Bad gateway', detail: 'The upstream service failed.' },
  internal: { status: 500, title: 'Internal error', detail: 'Something went wrong.' },
}

/** Headers every problem carries: the media type, and no caching of a refusal. */
function problemHeaders(headers?: HeadersInit): Headers {
  const h = new Headers(headers)
  h.set('Content-Type', 'application/problem+json')
  h.set('Cache-Control', 'no-store')
  return h
}

/**
 * A problem+json response for one of the contract's slugs.
 * @example problem('forbidden') // 403
 * @example problem('insufficient-credits', { extensions: { available: 0.2, required: 0.39, buyUrl: '/buy' } })
 */
export function problem(
  slug: ProblemSlug,
  options: {
    /** Human-readable, safe to show; defaults to a generic sentence per slug. Never put internals here. */
    detail?: string
    /** Extra members, e.g. `available`, `required`, `issues`. */
    extensions?: Record<string, unknown>
    /** Extra headers (Retry-After, RateLimit, Credits-Remaining). */
    headers?: HeadersInit
  } = {},
): Response {
  const base = TITLES[slug]
  const body: ProblemBody = {
    ...options.extensions,
    type: PROBLEM_BASE + slug,
    title: base.title,
    status: base.status,
    detail: options.detail ?? base.detail,
  }
  return new Response(JSON.stringify(body), { status: base.status, headers: problemHeaders(options.headers) })
}

/** Anything issue-shaped: core's `ValidationError.issues` or a `ZodError.issues` (path as an array). */
export interface IssueLike {
  path: string | ReadonlyArray<PropertyKey>
  message: string
}

function toIssue(issue: IssueLike): ValidationIssue {
  const path = typeof issue.path === 'string' ? issue.path : issue.path.map((p) => String(p)).join('.')
  return { path, message: issue.message }
}

/** 400 `invalid-input` listing every bad field as `issues: [{ path, message }]`. */
export function invalidInput(issues: ReadonlyArray<IssueLike>, detail?: string, headers?: HeadersInit): Response {
  return problem('invalid-input', {
    detail: detail ?? 'The request is not valid.',
    extensions: { issues: issues.map(toIssue) },
    ...(headers ? { headers } : {}),
  })
}

/** Core `ValidationError` or a `ZodError` (or anything with an `issues` array of `{ path, message }`). */
function issuesOf(error: unknown): IssueLike[] | null {
  if (typeof error !== 'object' || error === null) return null
  const issues = (error as { issues?: unknown }).issues
  if (!Array.isArray(issues)) return null
  const ok = issues.every(
    (i) =>
      typeof i === 'object' &&
      i !== null &&
      typeof (i as IssueLike).message === 'string' &&
      (typeof (i as IssueLike).path === 'string' || Array.isArray((i as IssueLike).path)),
  )
  return ok ? (issues as IssueLike[]) : null
}

/**
 * Maps a validation failure of client input (core `ValidationError`, `ZodError`) to a 400 problem,
 * or returns null when `error` is not one. Use it only for errors about what the client sent: a
 * `ValidationError` from server configuration (an unknown pricer) is a 500, see `errorProblem`.
 * @example
 * try { input = parse(schema, body) } catch (e) { return validationProblem(e) ?? errorProblem(e) }
 */
export function validationProblem(error: unknown, headers?: HeadersInit): Response | null {
  const isValidation =
    (isMeteredError(error) && error.code === 'validation_error') ||
    (error instanceof Error && error.name === 'ZodError')
  if (!isValidation) return null
  const issues = issuesOf(error)
  return issues ? invalidInput(issues, undefined, headers) : null
}

/**
 * Maps any thrown error to a problem response without leaking it: client-input validation -> 400
 * (only with `clientInput: true`), idempotency conflict -> 400 on `idempotencyKey`, not found -> 404,
 * store unavailable or timed out -> 503, anything else -> 500 with a generic detail.
 * The error itself is passed to `onError` (log it there), never into the body.
 * @example
 * catch (error) { return errorProblem(error, { clientInput: true, onError: console.error }) }
 */
export function errorProblem(
  error: unknown,
  options: {
    /** Treat `ValidationError`/`ZodError` as the client's fault (400). @default false (500) */
    clientInput?: boolean
    /** Called with the original error, for logging. Errors it throws are ignored. */
    onError?: (error: unknown) => void
    headers?: HeadersInit
  } = {},
): Response {
  const headers = options.headers ? { headers: options.headers } : {}
  if (options.clientInput) {
    const validation = validationProblem(error, options.headers)
    if (validation) return validation
  }
  if (options.onError) {
    try {
      options.onError(error)
    } catch {
      // logging must never turn a clean problem into a crash
    }
  }
  if (isMeteredError(error)) {
    switch (error.code) {
      case 'store_unavailable':
      case 'store_timeout':
        return problem('store-unavailable', headers)
      case 'not_found':
        return problem('not-found', headers)
      case 'idempotency_conflict':
        if (options.clientInput) {
          return invalidInput([{ path: 'idempotencyKey', message: 'was already used with different parameters' }])
        }
        break
    }
  }
  return problem('internal', headers)
}

/** 401 `unauthenticated`. */
export const unauthenticated = (headers?: HeadersInit): Response =>
  problem('unauthenticated', headers ? { headers } : {})

/** 403 `forbidden`. */
export const forbidden = (detail?: string): Response => problem('forbidden', detail ? { detail } : {})

/** 404 `not-found`. */
export const notFound = (detail?: string): Response => problem('not-found', detail ? { detail } : {})

/** 413 `payload-too-large`. */
export const payloadTooLarge = (maxBytes: number, headers?: HeadersInit): Response =>
  problem('payload-too-large', {
    detail: `The request body is larger than ${maxBytes} bytes.`,
    extensions: { maxBytes },
    ...(headers ? { headers } : {}),
  })

/** 503 `store-unavailable`. */
export const storeUnavailable = (headers?: HeadersInit): Response =>
  problem('store-unavailable', headers ? { headers } : {})

/** 500 `internal`, generic detail only. */
export const internalError = (headers?: HeadersInit): Response => problem('internal', headers ? { headers } : {})

/** 402 `insufficient-credits`; amounts in credits. */
export function insufficientCredits(
  input: { available: number; required: number; buyUrl?: string | null },
  headers?: HeadersInit,
): Response {
  return problem('insufficient-credits', {
    detail: `This needs ${input.required} credits; ${input.available} available.`,
    extensions: { available: input.available, required: input.required, buyUrl: input.buyUrl ?? null },
    ...(headers ? { headers } : {}),
  })
}

/** 429 `rate-limited`; `retryAfter` in whole seconds, rule resets in epoch ms. */
export function rateLimited(
  input: {
    retryAfter: number
    rules: ReadonlyArray<{ name: string; limit: number; remaining: number; reset: number }>
  },
  headers?: HeadersInit,
): Response {
  const h = new Headers(headers)
  h.set('Retry-After', String(input.retryAfter))
  return problem('rate-limited', {
    detail: `Rate limit reached; retry in ${input.retryAfter} s.`,
    extensions: {
      retryAfter: input.retryAfter,
      rules: input.rules.map((r) => ({ name: r.name, limit: r.limit, remaining: r.remaining, reset: r.reset })),
    },
    headers: h,
  })
}
