import { isMeteredError } from '@metered/core'
import {
  type ProblemCode,
  type ProblemIssue,
  type ProblemResponseOptions,
  problemResponse,
  type RateLimitRuleBody,
} from '@metered/core/http'
import { retrySeconds } from './headers.js'

/**
 * The problem responses of @metered/next, built on `@metered/core/http` (docs/http-api.md) so
 * the routes, the wrappers and `MeteredRefusalError` send one shape. Every refusal and error that
 * leaves a metered route is one of these; nothing else (no stack, SQL or internal message) goes out.
 */

/** Anything issue-shaped: core's `ValidationError.issues` or a `ZodError.issues` (path as an array). */
export interface IssueLike {
  path: string | ReadonlyArray<PropertyKey>
  message: string
}

/** Options of `errorProblem`. */
export interface ErrorProblemOptions {
  /**
   * The error came from the client's input: a `ValidationError`/`ZodError` is a 400, and the
   * client's mistakes (that and not found, idempotency conflict) are not sent to `onError`.
   * @default false (a validation error is a 500, and every error is reported)
   */
  clientInput?: boolean
  /** Called with the original error, for logging. Errors it throws are ignored. Default: none. */
  onError?: (error: unknown) => void
  /** Extra response headers. Default: none. */
  headers?: HeadersInit
}

/** The problem builders of one `type` base (`createMeteredNext({ problemTypeBase })`). */
export interface Problems {
  /**
   * A problem+json response for one of the contract's codes.
   * @example problems.problem('forbidden') // 403
   */
  problem<C extends ProblemCode>(code: C, options?: Omit<ProblemResponseOptions<C>, 'typeBase'>): Response
  /** 400 `invalid_input` listing every bad field as `issues: [{ path, message }]`. */
  invalidInput(issues: ReadonlyArray<IssueLike>, detail?: string, headers?: HeadersInit): Response
  /**
   * A validation failure of client input (core `ValidationError`, `ZodError`) as a 400, or null
   * when `error` is not one. A `ValidationError` from server configuration is a 500: see `errorProblem`.
   * @example
   * try { input = parse(schema, body) } catch (e) { return validationProblem(e) ?? errorProblem(e) }
   */
  validationProblem(error: unknown, headers?: HeadersInit): Response | null
  /**
   * Any thrown error as a problem, without leaking it: client-input validation -> 400 (only with
   * `clientInput: true`), idempotency conflict -> 400 on `idempotencyKey`, not found -> 404,
   * store unavailable or timed out -> 503, anything else -> 500 with a generic detail. The error
   * goes to `onError` (log it there), never into the body; with `clientInput: true` the client's
   * own mistakes (invalid input, not found, idempotency conflict) are answered without it.
   * @example
   * catch (error) { return errorProblem(error, { clientInput: true, onError: console.error }) }
   */
  errorProblem(error: unknown, options?: ErrorProblemOptions): Response
  /** 401 `unauthenticated`. */
  unauthenticated(headers?: HeadersInit): Response
  /** 403 `forbidden`. */
  forbidden(detail?: string): Response
  /** 404 `not_found`. */
  notFound(detail?: string): Response
  /** 405 `method_not_allowed` with `Allow` (and `allow` in the body). */
  methodNotAllowed(allow: ReadonlyArray<string>): Response
  /** 413 `payload_too_large`. */
  payloadTooLarge(maxBytes: number, headers?: HeadersInit): Response
  /** 503 `store_unavailable`. */
  storeUnavailable(headers?: HeadersInit): Response
  /** 500 `internal`, generic detail only. */
  internalError(headers?: HeadersInit): Response
  /** 402 `insufficient_credits`; amounts in credits. */
  insufficientCredits(
    input: { available: number; required: number; buyUrl?: string | null },
    headers?: HeadersInit,
  ): Response
  /**
   * 429 `rate_limited`. `retryAfter` in milliseconds, like every duration in the API: the body
   * says `retryAfterMs`, the `Retry-After` header whole seconds (rounded up, at least 1).
   */
  rateLimited(input: { retryAfter: number; rules: ReadonlyArray<RateLimitRuleBody> }, headers?: HeadersInit): Response
}

function toIssue(issue: IssueLike): ProblemIssue {
  const path = typeof issue.path === 'string' ? issue.path : issue.path.map((p) => String(p)).join('.')
  return { path, message: issue.message }
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

const withHeaders = (headers?: HeadersInit) => (headers ? { headers } : {})

/**
 * The problem builders for one `type` base; `undefined` keeps `urn:metered:problem:<code>`.
 * @example const problems = createProblems('https://example.com/problems/')
 */
export function createProblems(typeBase?: string): Problems {
  const base = typeBase === undefined ? {} : { typeBase }
  const problem: Problems['problem'] = (code, options = {}) => problemResponse(code, { ...options, ...base })

  const invalidInput: Problems['invalidInput'] = (issues, detail, headers) =>
    problem('invalid_input', {
      ...(detail ? { detail } : {}),
      extensions: { issues: issues.map(toIssue) },
      ...withHeaders(headers),
    })

  const validationProblem: Problems['validationProblem'] = (error, headers) => {
    const isValidation =
      (isMeteredError(error) && error.code === 'validation_error') ||
      (error instanceof Error && error.name === 'ZodError')
    if (!isValidation) return null
    const issues = issuesOf(error)
    return issues ? invalidInput(issues, undefined, headers) : null
  }

  const errorProblem: Problems['errorProblem'] = (error, options = {}) => {
    const headers = withHeaders(options.headers)
    if (options.clientInput) {
      const validation = validationProblem(error, options.headers)
      if (validation) return validation
    }
    // With client input, an unknown id or a reused key is the client's mistake, not the app's: not reported.
    const clientMistake =
      options.clientInput &&
      isMeteredError(error) &&
      (error.code === 'not_found' || error.code === 'idempotency_conflict')
    if (options.onError && !clientMistake) {
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
          return problem('store_unavailable', headers)
        case 'not_found':
          return problem('not_found', headers)
        case 'idempotency_conflict':
          if (options.clientInput) {
            return invalidInput([{ path: 'idempotencyKey', message: 'was already used with different parameters' }])
          }
          break
      }
    }
    return problem('internal', headers)
  }

  return {
    problem,
    invalidInput,
    validationProblem,
    errorProblem,
    unauthenticated: (headers) => problem('unauthenticated', withHeaders(headers)),
    forbidden: (detail) => problem('forbidden', detail ? { detail } : {}),
    notFound: (detail) => problem('not_found', detail ? { detail } : {}),
    methodNotAllowed: (allow) =>
      problem('method_not_allowed', {
        detail: `Use ${allow.join(' or ')} here.`,
        extensions: { allow: [...allow] },
        headers: { Allow: allow.join(', ') },
      }),
    payloadTooLarge: (maxBytes, headers) =>
      problem('payload_too_large', {
        detail: `The request body is larger than ${maxBytes} bytes.`,
        extensions: { maxBytes },
        ...withHeaders(headers),
      }),
    storeUnavailable: (headers) => problem('store_unavailable', withHeaders(headers)),
    internalError: (headers) => problem('internal', withHeaders(headers)),
    insufficientCredits: (input, headers) =>
      problem('insufficient_credits', {
        detail: `This needs ${input.required} credits; ${input.available} available.`,
        extensions: { available: input.available, required: input.required, buyUrl: input.buyUrl ?? null },
        ...withHeaders(headers),
      }),
    rateLimited: (input, headers) => {
      const seconds = retrySeconds(input.retryAfter)
      const h = new Headers(headers)
      h.set('Retry-After', String(seconds))
      return problem('rate_limited', {
        detail: `Rate limit reached; retry in ${seconds} s.`,
        extensions: {
          retryAfterMs: Math.ceil(input.retryAfter),
          rules: input.rules.map((r) => ({ name: r.name, limit: r.limit, remaining: r.remaining, reset: r.reset })),
        },
        headers: h,
      })
    },
  }
}

/** The builders with the default `type` base, for app code outside an instance. */
export const defaultProblems: Problems = createProblems()

export const {
  problem,
  invalidInput,
  validationProblem,
  errorProblem,
  unauthenticated,
  forbidden,
  notFound,
  methodNotAllowed,
  payloadTooLarge,
  storeUnavailable,
  internalError,
  insufficientCredits,
  rateLimited,
} = defaultProblems
