import { StoreTimeoutError } from '../errors.js'

/**
 * Runs `work` and rejects with `StoreTimeoutError` if it has not settled after `ms`.
 *
 * The store port takes no AbortSignal, so a timeout abandons the wait, not the work: the store
 * call may still complete (and consume) later; its late outcome is ignored. The timer is
 * cleared as soon as either side settles and is `unref`'d where the runtime allows, so it
 * never keeps a process alive. A synchronous throw from `work` becomes a rejection.
 */
export async function withTimeout<T>(work: () => Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const call = Promise.resolve().then(work)
  // If the timeout wins, a later rejection of the call must not surface as unhandled.
  call.catch(() => {})
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreTimeoutError(ms)), ms)
    ;(timer as { unref?: () => void }).unref?.()
  })
  try {
    return await Promise.race([call, timeout])
  } finally {
    clearTimeout(timer)
  }
}
