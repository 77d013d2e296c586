import { StoreTimeoutError } from '../errors.js'

/**
 * Runs `work` and rejects with `StoreTimeoutError` if it has not settled after `ms`.
 *
 * The store port takes no AbortSignal, so a timeout abandons the wait, not the work: the store
 * call may still complete (and consume) later; its late outcome is ignored. The timer is
 * cleared as soon as either side settles and is `unref`'d where the runtime allows, so it
 * never keeps a process alive. A synchronous throw from `work` becomes a rejection.
 * One promise per call rather than a race of two: this runs on every limited call.
 */
export function withTimeout<T>(work: () => Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new StoreTimeoutError(ms)), ms)
    ;(timer as { unref?: () => void }).unref?.()
    const settle = (ok: boolean, value: unknown) => {
      clearTimeout(timer)
      if (ok) resolve(value as T)
      else reject(value)
    }
    let call: Promise<T>
    try {
      call = work()
    } catch (error) {
      settle(false, error)
      return
    }
    Promise.resolve(call).then(
      (value) => settle(true, value),
      (error) => settle(false, error),
    )
  })
}
