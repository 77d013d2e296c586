/**
 * RFC 9457 problem details, shaped like the rest of metered (docs/http-api.md): `type` is
 * `https://metered.dev/problems/<slug>`. Details never carry secrets, signatures, payloads or
 * stack traces.
 */
export interface Problem {
  type: string
  title: string
  status: number
  detail: string
}

const PROBLEM_BASE = 'https://metered.dev/problems/'

const PROBLEMS = {
  'missing-signature': { status: 400, title: 'Missing signature' },
  'invalid-signature': { status: 400, title: 'Invalid signature' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'webhook-failed': { status: 500, title: 'Webhook failed' },
} as const

export type WebhookProblem = keyof typeof PROBLEMS

export function problemResponse(slug: WebhookProblem, detail: string, headers: Record<string, string> = {}): Response {
  const { status, title } = PROBLEMS[slug]
  const body: Problem = { type: PROBLEM_BASE + slug, title, status, detail }
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', ...headers },
  })
}

export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  })
}
