import type { MeteredProblem, ProblemDetails, RateLimitRule } from './types.js'

/** A failed request: the HTTP status and, when the body was problem+json, its details. */
export class MeteredHttpError extends Error {
  override name = 'MeteredHttpError'
  constructor(
    readonly status: number,
    readonly problem: ProblemDetails | null,
  ) {
    super(problem?.detail || problem?.title || `Request failed (${status})`)
  }
}

/** The JSON body of a response as problem details, or null (read from a clone: the caller keeps the body). */
export async function readProblem(response: Response): Promise<ProblemDetails | null> {
  if (!/json/i.test(response.headers.get('content-type') ?? '')) return null
  try {
    const body: unknown = await response.clone().json()
    return body && typeof body === 'object' ? (body as ProblemDetails) : null
  } catch {
    return null
  }
}

const num = (v: unknown, fallback = 0) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback)
const str = (v: unknown, fallback: string) => (typeof v === 'string' ? v : fallback)

/**
 * A refusal the hooks keep as state, read by `code` (the status decides only when a body without
 * `code` came back, e.g. from a proxy in front of the app); other problems are the caller's business.
 * `retryAfter` is ms from the `Retry-After` header when sent.
 */
export function toMeteredProblem(
  status: number,
  body: ProblemDetails | null,
  retryAfter: number | null,
): MeteredProblem | null {
  const b: ProblemDetails = body ?? {}
  const code = typeof b.code === 'string' ? b.code : null
  if (code === 'insufficient_credits' || (code === null && status === 402)) {
    return {
      code: 'insufficient_credits',
      status: 402,
      title: str(b.title, 'Insufficient credits'),
      detail: str(b.detail, 'Not enough credits for this request.'),
      available: num(b.available),
      required: num(b.required),
      buyUrl: typeof b.buyUrl === 'string' ? b.buyUrl : null,
    }
  }
  if (code === 'rate_limited' || (code === null && status === 429)) {
    return {
      code: 'rate_limited',
      status: 429,
      title: str(b.title, 'Too many requests'),
      detail: str(b.detail, 'Rate limit reached; retry later.'),
      retryAfter: retryAfter ?? num(b.retryAfterMs, 1000),
      rules: Array.isArray(b.rules) ? (b.rules as RateLimitRule[]) : [],
    }
  }
  return null
}
