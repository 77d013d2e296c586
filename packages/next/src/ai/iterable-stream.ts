import type { createProducedTracker } from './produced.js'

type Tracker = ReturnType<typeof createProducedTracker>

/**
 * A byte stream over a provider's event iterator that keeps the tracker honest on every way out:
 * completed (usage already reported, or the output counted), failed mid-stream (output counted,
 * then the error passed on), cancelled by the client (output counted first, then the upstream
 * request is aborted through the iterator's `return`).
 */
export function iterableToStream<E>(
  source: AsyncIterable<E>,
  tracker: Tracker,
  encode: (event: E) => Uint8Array | null,
  end?: () => Uint8Array | null,
): ReadableStream<Uint8Array> {
  let iterator: AsyncIterator<E> | null = null
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      iterator ??= source[Symbol.asyncIterator]()
      try {
        for (;;) {
          const next = await iterator.next()
          if (next.done) {
            tracker.finish()
            const tail = end?.()
            if (tail) controller.enqueue(tail)
            controller.close()
            return
          }
          tracker.event()
          const bytes = encode(next.value)
          if (bytes) {
            controller.enqueue(bytes)
            return
          }
        }
      } catch (error) {
        tracker.cutShort()
        controller.error(error)
      }
    },
    async cancel() {
      tracker.cancelled()
      await iterator?.return?.().catch(() => {})
    },
  })
}
