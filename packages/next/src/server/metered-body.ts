import type { Outcome } from './settlement.js'

export type FirstChunk =
  | { ok: true; body: ReadableStream<Uint8Array> }
  | { ok: false; outcome: 'error' | 'aborted'; error: unknown }

/**
 * Wraps a handler's streaming body so the call settles when the stream ends: `ok` when it
 * completes, `error` when the upstream fails, `aborted` when the client cancels it (or the request
 * signal fires). The first chunk is awaited before the response is returned, so an upstream that
 * fails before any output still gets a clean problem response instead of a broken 200.
 */
export async function meterBody(
  body: ReadableStream<Uint8Array>,
  finish: (outcome: Outcome) => unknown,
  abort: { signal: AbortSignal; abort: (reason?: unknown) => void },
): Promise<FirstChunk> {
  const reader = body.getReader()
  let ended = false

  const end = (outcome: Outcome) => {
    if (ended) return
    ended = true
    abort.signal.removeEventListener('abort', onAbort)
    void finish(outcome)
  }
  // The client left (request signal, or our own abort from cancel): stop the upstream first, so
  // the handler's cancel hooks report what was produced, then settle as aborted.
  function onAbort() {
    if (ended) return
    reader.cancel(abort.signal.reason).then(
      () => end('aborted'),
      () => end('aborted'),
    )
  }
  abort.signal.addEventListener('abort', onAbort, { once: true })

  let first: ReadableStreamReadResult<Uint8Array>
  try {
    first = await reader.read()
  } catch (error) {
    ended = true
    abort.signal.removeEventListener('abort', onAbort)
    return { ok: false, outcome: abort.signal.aborted ? 'aborted' : 'error', error }
  }
  if (abort.signal.aborted) {
    // onAbort runs end('aborted') once the cancel settles
    return { ok: false, outcome: 'aborted', error: abort.signal.reason }
  }

  let pending: Uint8Array | undefined = first.done ? undefined : first.value
  if (first.done) end('ok')

  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (pending !== undefined) {
        controller.enqueue(pending)
        pending = undefined
        return
      }
      if (ended) {
        controller.close()
        return
      }
      try {
        const next = await reader.read()
        if (next.done) {
          controller.close()
          end(abort.signal.aborted ? 'aborted' : 'ok')
        } else {
          controller.enqueue(next.value)
        }
      } catch (error) {
        controller.error(error)
        end(abort.signal.aborted ? 'aborted' : 'error')
      }
    },
    async cancel(reason) {
      if (ended) return
      // Cancelling the upstream runs its cancel hooks (the AI helpers charge what was produced
      // there) before we settle.
      abort.signal.removeEventListener('abort', onAbort)
      abort.abort(reason)
      await reader.cancel(reason).catch(() => {})
      end('aborted')
    },
  })
  return { ok: true, body: stream }
}
