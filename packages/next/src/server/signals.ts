/**
 * An AbortController that also aborts when the request's signal does (the client went away), so
 * a handler has one signal to hand to its upstream call. `AbortSignal.any` is not on every edge
 * runtime yet, hence the listener.
 */
export function linkedAbort(requestSignal: AbortSignal): {
  signal: AbortSignal
  abort(reason?: unknown): void
  dispose(): void
} {
  const controller = new AbortController()
  const onAbort = () => controller.abort(requestSignal.reason)
  if (requestSignal.aborted) controller.abort(requestSignal.reason)
  else requestSignal.addEventListener('abort', onAbort, { once: true })
  return {
    signal: controller.signal,
    abort: (reason) => controller.abort(reason),
    dispose: () => requestSignal.removeEventListener('abort', onAbort),
  }
}
