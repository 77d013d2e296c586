import { MeteredHttpError, readProblem } from './problem.js'

/** Query string of the defined values only (`undefined`/`null`/'' are left out). */
export function query(params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') q.set(key, String(value))
  }
  const s = q.toString()
  return s ? `?${s}` : ''
}

/**
 * JSON from a request, or a `MeteredHttpError` carrying the problem details of a refusal.
 * `body` is sent as JSON with POST.
 */
export async function requestJson<T>(fetchImpl: typeof fetch, url: string, body?: unknown): Promise<T> {
  const response = await fetchImpl(
    url,
    body === undefined
      ? { headers: { accept: 'application/json' } }
      : {
          method: 'POST',
          headers: { accept: 'application/json', 'content-type': 'application/json' },
          body: JSON.stringify(body),
        },
  )
  if (!response.ok) throw new MeteredHttpError(response.status, await readProblem(response))
  return (await response.json()) as T
}

/** Any thrown value as an `Error` for the hooks' `error`. */
export const toError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)))

/** Epoch ms from a Date or a number. */
export const toMs = (d: number | Date | undefined): number | undefined => (d instanceof Date ? d.getTime() : d)
