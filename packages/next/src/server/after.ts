/** Schedules work to finish after the response: Next's `after`, or any `waitUntil`-like function. */
export type After = (task: Promise<unknown>) => void

type NextAfter = (task: Promise<unknown> | (() => unknown)) => void

/**
 * Runs `task` through Next's `after()` (so Vercel keeps the function alive until it settles) when
 * the package runs inside Next; outside a request scope, on other frameworks or when `next` is not
 * installed, the task simply runs without being awaited. `next/server` is imported lazily (this
 * module loads anywhere: Node, edge, plain tests), starting when the instance is created so that
 * by the first request `after` can be called synchronously, inside the handler's request scope.
 */
export function createAfter(explicit?: After): After {
  if (explicit) return (task) => explicit(task.catch(() => {}))
  // undefined: still loading; null: not available here
  let nextAfter: NextAfter | null | undefined
  const loading = import('next/server').then(
    (mod: { after?: NextAfter }) => {
      nextAfter = typeof mod.after === 'function' ? mod.after : null
    },
    () => {
      nextAfter = null
    },
  )
  const schedule = (task: Promise<unknown>) => {
    if (!nextAfter) return
    try {
      nextAfter(task)
    } catch {
      // outside a request scope: the task already runs on its own
    }
  }
  return (task) => {
    // Failures are the money path's own business (a hold that is never settled expires); an
    // unhandled rejection here would only crash the process.
    const safe = task.catch(() => {})
    if (nextAfter !== undefined) schedule(safe)
    else void loading.then(() => schedule(safe))
  }
}
