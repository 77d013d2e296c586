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

/** A 402 or 429 as typed state; other statuses are the caller's business. */
export function toMeteredProblem(
  status: number,
  body: ProblemDetails | null,
  retryAfter: number | null,
): MeteredProblem | null {
  const b = body ?? ({} as Partial<ProblemDetails>)
  if (status === 402) {
    return {
      kind: 'insufficient-credits',
      status,
      title: str(b.title, 'Insufficient credits'),
      detail: str(b.detail, 'Not enough credits for this request.'),
      available: num(b.available),
      required: num(b.required),
      buyUrl: typeof b.buyUrl === 'string' ? b.buyUrl : null,
    }
  }
  if (status === 429) {
    return {
      kind: 'rate-limited',
      status,
      title: str(b.title, 'Too many requests'),
      detail: str(b.detail, 'Rate limit reached; retry later.'),
      retryAfter: retryAfter ?? num(b.retryAfter, 1),
      rules: Array.isArray(b.rules) ? (b.rules as RateLimitRule[]) : [],
    }
  }
  return null
}
