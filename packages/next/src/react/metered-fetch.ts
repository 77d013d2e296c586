import { readCreditsRemaining, readRateLimit, readRetryAfter } from './parse-headers.js'
import { readProblem, toMeteredProblem } from './problem.js'
import type { MeteredState, MeteredStore } from './store.js'

/** `fetch`, plus the side effect of updating a `MeteredStore` from the response. */
export type MeteredFetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>

/**
 * Updates the store from one response's fields: `Credits-Remaining`, `RateLimit`/`RateLimit-Policy`,
 * `Retry-After`, and a 402/429 problem body (read from a clone). Only headers are read on success,
 * so a streamed body is left untouched for the caller: the balance moves as soon as the headers
 * arrive, before the first token.
 */
export async function applyMeteredResponse(store: MeteredStore, response: Response): Promise<void> {
  const now = Date.now()
  const { headers, status } = response
  const state = store.getState()
  const patch: Partial<MeteredState> = {}
  const available = readCreditsRemaining(headers)
  if (available !== null) {
    patch.balance = { available, held: state.balance?.held ?? null }
    if (state.balanceStatus !== 'loading') patch.balanceStatus = 'ready'
  }
  const rateLimit = readRateLimit(headers, now)
  if (rateLimit) patch.rateLimit = rateLimit
  if (status === 402 || status === 429) {
    const retryAfter = status === 429 ? readRetryAfter(headers, now) : null
    const problem = toMeteredProblem(status, await readProblem(response), retryAfter)
    patch.problem = problem
    if (problem?.kind === 'rate-limited') patch.retryAt = now + problem.retryAfter * 1000
  } else if (response.ok && (available !== null || rateLimit) && (state.problem || state.retryAt)) {
    // A metered call went through: whatever refused the last one no longer applies. (Plain JSON
    // reads such as history pages carry no metered fields and leave a refusal on screen.)
    patch.problem = null
    patch.retryAt = null
  }
  // Responses from unmetered routes leave the store (and its subscribers) alone.
  if (Object.keys(patch).length > 0) store.setState(patch)
}

/**
 * Wraps `fetch` so every metered response updates the store (and so every hook) at once, with no
 * extra request. Returns the response untouched; refusals are not thrown.
 * @param fetchImpl @default globalThis.fetch, looked up per call so test stubs apply
 * @example
 * const meteredFetch = createMeteredFetch(store)
 * const res = await meteredFetch('/api/turn_response', { method: 'POST', body })
 * // the balance in <CreditDisplay/> already moved; read res.body as a stream as usual
 */
export function createMeteredFetch(store: MeteredStore, fetchImpl?: typeof fetch): MeteredFetch {
  return async (input, init) => {
    const response = await (fetchImpl ?? globalThis.fetch)(input, init)
    await applyMeteredResponse(store, response)
    return response
  }
}
