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
  return new LazyLinkedAbort(requestSignal)
}

/** The controller is made when `signal` or `abort` is first used (see {@link LinkedAbort}). */
class LazyLinkedAbort implements LinkedAbort {
  private controller: AbortController | null = null
  private readonly requestSignal: AbortSignal

  constructor(requestSignal: AbortSignal) {
    this.requestSignal = requestSignal
  }

  private readonly onAbort = () => this.controller?.abort(this.requestSignal.reason)

  private ensure(): AbortController {
    if (this.controller) return this.controller
    const controller = new AbortController()
    this.controller = controller
    if (this.requestSignal.aborted) controller.abort(this.requestSignal.reason)
    else this.requestSignal.addEventListener('abort', this.onAbort, { once: true })
    return controller
  }

  get signal(): AbortSignal {
    return this.ensure().signal
  }

  // Arrows: `abort` and `dispose` are handed around unbound (`.finally(abort.dispose)`).
  readonly abort = (reason?: unknown): void => this.ensure().abort(reason)

  readonly dispose = (): void => {
    if (this.controller) this.requestSignal.removeEventListener('abort', this.onAbort)
  }
}
