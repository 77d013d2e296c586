import type { ProblemCode, ProblemStatus } from './codes.js'

/**
 * The default base of problem `type` URIs. A URN names the problem without claiming a web
 * domain; apps that document their problems at a URL of their own pass `typeBase`.
 */
export const DEFAULT_PROBLEM_TYPE_BASE = 'urn:metered:problem:'

/** The `type` URI of a code under a base: `urn:metered:problem:rate_limited` by default. */
export function problemType(code: ProblemCode, typeBase: string = DEFAULT_PROBLEM_TYPE_BASE): string {
  return typeBase + code
}

/** One field the server refused, `path` dotted (`''` for the whole body). */
export interface ProblemIssue {
  path: string
  message: string
}

/** One rule of a 429: `reset` is epoch ms when the rule is fully replenished. */
export interface RateLimitRuleBody {
  name: string
  limit: number
  remaining: number
  reset: number
}

/** The members a code adds to the body (RFC 9457 extensions); codes not listed add none. */
export interface ProblemExtensions {
  invalid_input: { issues: ProblemIssue[] }
  /** Amounts in credits; `buyUrl` where to buy more, when the app configured one. */
  insufficient_credits: { available: number; required: number; buyUrl: string | null }
  /** The methods the path accepts (also the `Allow` header). */
  method_not_allowed: { allow: string[] }
  payload_too_large: { maxBytes: number }
  /** `retryAfterMs`: the wait in milliseconds (the `Retry-After` header says it in whole seconds, rounded up). */
  rate_limited: { retryAfterMs: number; rules: RateLimitRuleBody[] }
}

type ExtensionsOf<C extends ProblemCode> = C extends keyof ProblemExtensions
  ? ProblemExtensions[C]
  : Record<never, never>

/**
 * The RFC 9457 `application/problem+json` body of one code: `type`, `title`, `status`, `detail`,
 * `code`, and the code's extensions. `ProblemBody` (no argument) is any of them; narrow on `code`.
 */
export type ProblemBody<C extends ProblemCode = ProblemCode> = C extends ProblemCode
  ? {
      type: string
      title: string
      status: ProblemStatus<C>
      /** Human-readable and safe to show; never internals. */
      detail: string
      code: C
    } & ExtensionsOf<C>
  : never
