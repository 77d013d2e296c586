import { loadBalance } from './load-balance.js'
import { readCreditsRemaining, readFittedOutputTokens, readRateLimit, readRetryAfter } from './parse-headers.js'
import { readProblem, toMeteredProblem } from './problem.js'
import type { MeteredState, MeteredStore } from './store.js'

/** `fetch`, plus the side effect of updating a `MeteredStore` from the response. */
export type MeteredFetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>

/**
 * Updates the store from one response's fields: `Credits-Remaining`, `RateLimit`/`RateLimit-Policy`,
 * `Retry-After`, `Fitted-Output-Tokens`, and a 402/429 problem body (read from a clone). Only headers are read on success,
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
  // Every metered response says whether its answer was fitted: absent means it was not.
  const fitted = readFittedOutputTokens(headers)
  if (fitted !== null || ((available !== null || rateLimit) && state.fittedOutputTokens !== null)) {
    patch.fittedOutputTokens = fitted
  }
  if (status === 402 || status === 429) {
    const retryAfter = status === 429 ? readRetryAfter(headers, now) : null
    const problem = toMeteredProblem(status, await readProblem(response), retryAfter)
    patch.problem = problem
    if (problem?.code === 'rate_limited') patch.retryAt = now + problem.retryAfter
  } else if (response.ok && (available !== null || rateLimit) && (state.problem || state.retryAt)) {
    // A metered call went through: whatever refused the last one no longer applies. (Plain JSON
    // reads such as history pages carry no metered fields and leave a refusal on screen.)
    patch.problem = null
    patch.retryAt = null
  }
  // Responses from unmetered routes leave the store (and its subscribers) alone.
  if (Object.keys(patch).length > 0) store.setState(patch)
}

/** Options of `meteredFetch`. */
export interface MeteredFetchOptions {
  /**
   * The balance route, fetched once a metered stream ends. A stream's `Credits-Remaining` is the
   * balance after its hold (the worst case); the server settles the actual amount when the
   * stream ends, and this shows it. Null: no request.
   * @default null (the provider sets `{baseUrl}/credits/balance`)
   */
  balanceUrl?: string | null | undefined
  /**
   * Milliseconds between the end of a stream and that request: the server settles right after
   * the last byte, so asking at once could read the balance still on hold. While the answer still
   * shows credits held, it is asked again after 2x and 4x this.
   * @default 300
   */
  settleDelay?: number | undefined
}

/**
 * The same response whose body calls `done` once when it is read to the end, fails or is
 * cancelled (the user stopped the answer). Headers, status and url are the original's.
 */
function onBodyEnd(response: Response, done: () => void): Response {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader()
  let ended = false
  const end = () => {
    if (!ended) done()
    ended = true
  }
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await reader.read()
        if (next.done) {
          controller.close()
          end()
        } else controller.enqueue(next.value)
      } catch (error) {
        controller.error(error)
        end()
      }
    },
    async cancel(reason) {
      await reader.cancel(reason)
      end()
    },
  })
  const wrapped = new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  })
  Object.defineProperty(wrapped, 'url', { value: response.url })
  return wrapped
}

/**
 * Wraps `fetch` so every metered response updates the store (and so every hook) at once, with no
 * extra request. Returns the response as it came (a metered stream's body is passed through to
 * notice its end); refusals are not thrown.
 * @param fetchImpl @default globalThis.fetch, looked up per call so test stubs apply
 * @example
 * const meteredFetch = createMeteredFetch(store, fetch, { balanceUrl: '/api/credits/balance' })
 * const res = await meteredFetch('/api/turn_response', { method: 'POST', body })
 * // the balance in <CreditDisplay/> already moved; read res.body as a stream as usual
 */
export function createMeteredFetch(
  store: MeteredStore,
  fetchImpl?: typeof fetch,
  options: MeteredFetchOptions = {},
): MeteredFetch {
  const { balanceUrl, settleDelay = 300 } = options
  const meteredFetch: MeteredFetch = async (input, init) => {
    const response = await (fetchImpl ?? globalThis.fetch)(input, init)
    await applyMeteredResponse(store, response)
    const streamed =
      response.ok &&
      response.body !== null &&
      readCreditsRemaining(response.headers) !== null &&
      // SSE (the starter, AI SDK UI streams) and plain text streams; JSON answers already carry
      // the settled balance.
      /text\/(event-stream|plain)/i.test(response.headers.get('content-type') ?? '')
    if (!balanceUrl || !streamed) return response
    // The settle may still be running (it goes through the server's `after()`): while the balance
    // shows credits on hold, ask again a few times, backing off.
    const settled = async (attempt: number): Promise<void> => {
      await loadBalance(store, meteredFetch, balanceUrl)
      if (store.getState().balance?.held && attempt < 3) {
        setTimeout(() => void settled(attempt + 1), settleDelay * 2 ** attempt)
      }
    }
    return onBodyEnd(response, () => {
      setTimeout(() => void settled(1), settleDelay)
    })
  }
  return meteredFetch
}
