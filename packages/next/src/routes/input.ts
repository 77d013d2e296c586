import { issueMessage } from '@metered/core/adapter'
import * as z from 'zod/mini'
import type { Problems } from '../server/problem.js'
import { readJsonBody } from '../server/read-body.js'

export type Parsed<T> = { ok: true; value: T } | { ok: false; response: Response }

function issuesOf(error: z.core.$ZodError) {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }))
}

/**
 * Validates the query string with a zod schema (values are strings; a repeated key keeps its
 * first value). Unknown keys are ignored so cache-busters and tracking parameters do not fail a
 * read; every known key is checked.
 */
export function parseQuery<S extends z.core.$ZodType>(url: URL, schema: S, problems: Problems): Parsed<z.output<S>> {
  // A Map, then own properties: `?__proto__=` or `?constructor=` must not reach a prototype.
  const first = new Map<string, string>()
  for (const [key, value] of url.searchParams) if (!first.has(key)) first.set(key, value)
  const result = z.safeParse(schema, Object.fromEntries(first), { error: issueMessage })
  if (result.success) return { ok: true, value: result.data }
  return { ok: false, response: problems.invalidInput(issuesOf(result.error), 'The query is not valid.') }
}

/**
 * Reads and validates a JSON body: `Content-Type: application/json` required (a cross-site HTML
 * form can only send form or text types, so this keeps a signed-in admin's browser from being
 * made to post a grant), at most `maxBytes` (413), valid JSON (400), then the schema (400 listing
 * the issues). Nothing is written before all of it passes.
 */
export async function parseBody<S extends z.core.$ZodType>(
  req: Request,
  schema: S,
  maxBytes: number,
  problems: Problems,
): Promise<Parsed<z.output<S>>> {
  const type = req.headers.get('content-type') ?? ''
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) {
    return {
      ok: false,
      response: problems.invalidInput(
        [{ path: 'content-type', message: 'must be application/json' }],
        'Send a JSON body.',
      ),
    }
  }
  const body = await readJsonBody(req, maxBytes, problems)
  if (!body.ok) return body
  const result = z.safeParse(schema, body.body, { error: issueMessage })
  if (result.success) return { ok: true, value: result.data }
  return { ok: false, response: problems.invalidInput(issuesOf(result.error)) }
}
