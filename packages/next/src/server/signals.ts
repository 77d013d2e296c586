/**
 * One signal for the handler's upstream call that aborts when the client goes away (the
 * request's signal) or when the wrapper cancels the response body. Created on first use only:
 * an AbortController costs more than the rest of a memory-store call, and most non-streaming
 * handlers never read `ctx.signal`. `AbortSignal.any` is not on every edge runtime yet, hence the
 * listener.
 */
export interface LinkedAbort {
  readonly signal: AbortSignal
  abort(reason?: unknown): void
  dispose(): void
}

export function linkedAbort(requestSignal: AbortSignal): LinkedAbort {
  let controller: AbortController | null = null
  const onAbort = () => controller?.abort(requestSignal.reason)
  const ensure = (): AbortController => {
    if (controller) return controller
    controller = new AbortController()
    if (requestSignal.aborted) controller.abort(requestSignal.reason)
    else requestSignal.addEventListener('abort', onAbort, { once: true })
    return controller
  }
  return {
    get signal() {
      return ensure().signal
    },
    abort: (reason) => ensure().abort(reason),
    dispose: () => {
      if (controller) requestSignal.removeEventListener('abort', onAbort)
    },
  }
}
