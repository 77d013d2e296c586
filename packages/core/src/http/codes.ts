/**
 * Every problem code metered answers with over HTTP (docs/http-api.md). The codes are the same
 * snake_case words as the `reason` of a refused result (`insufficient_credits`, `rate_limited`,
 * `store_unavailable`), so a refusal reads the same in TypeScript, in an event and on the wire.
 */
export const PROBLEMS = {
  invalid_input: { status: 400, title: 'Invalid input', detail: 'The request is not valid.' },
  missing_signature: { status: 400, title: 'Missing signature', detail: 'The signature header is missing.' },
  invalid_signature: { status: 400, title: 'Invalid signature', detail: 'The signature could not be verified.' },
  unauthenticated: { status: 401, title: 'Unauthenticated', detail: 'Sign in to use this.' },
  insufficient_credits: {
    status: 402,
    title: 'Insufficient credits',
    detail: 'Not enough credits for this request.',
  },
  forbidden: { status: 403, title: 'Forbidden', detail: 'You are not allowed to do this.' },
  not_found: { status: 404, title: 'Not found', detail: 'Nothing here.' },
  method_not_allowed: { status: 405, title: 'Method not allowed', detail: 'This method is not allowed here.' },
  payload_too_large: { status: 413, title: 'Payload too large', detail: 'The request body is too large.' },
  rate_limited: { status: 429, title: 'Too many requests', detail: 'Rate limit reached; retry later.' },
  internal: { status: 500, title: 'Internal error', detail: 'Something went wrong.' },
  webhook_failed: {
    status: 500,
    title: 'Webhook failed',
    detail: 'The event could not be processed; it is safe to retry.',
  },
  bad_gateway: { status: 502, title: 'Bad gateway', detail: 'The upstream service failed.' },
  store_unavailable: {
    status: 503,
    title: 'Service unavailable',
    detail: 'A metering store is unavailable; retry later.',
  },
} as const satisfies Record<string, { status: number; title: string; detail: string }>

/** A problem code: the last part of every problem `type` and the body's `code` member. */
export type ProblemCode = keyof typeof PROBLEMS

/** Every code, in the order of `PROBLEMS`. */
export const PROBLEM_CODES = Object.keys(PROBLEMS) as ProblemCode[]

/** The HTTP status a code is answered with. */
export type ProblemStatus<C extends ProblemCode = ProblemCode> = (typeof PROBLEMS)[C]['status']

/** Whether a string is one of the contract's codes (a client reading an unknown body checks this). */
export function isProblemCode(value: unknown): value is ProblemCode {
  return typeof value === 'string' && Object.hasOwn(PROBLEMS, value)
}
