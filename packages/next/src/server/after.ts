/** Schedules work to finish after the response: Next's `after`, or any `waitUntil`-like function. */
export type After = (task: Promise<unknown>) => void

type NextAfter = (task: Promise<unknown> | (() => unknown)) => void

/**
 * Runs `task` through Next's `after()` (so Vercel keeps the function alive until it settles) when
 * the package runs inside Next; outside a request scope, on other frameworks or when `next` is not
 * installed, the task simply runs without being awaited. `next/server` is imported lazily, once per
 * instance, so this module loads anywhere (Node, edge, plain tests).
 */
export function createAfter(explicit?: After): After {
  if (explicit) return (task) => explicit(task.catch(() => {}))
  let loaded: Promise<NextAfter | null> | null = null
  const load = () => {
    loaded ??= import('next/server').then(
      (mod: { after?: NextAfter }) => (typeof mod.after === 'function' ? mod.after : null),
      () => null,
    )
    return loaded
  }
  return (task) => {
    // Failures are the money path's own business (a hold that is never settled expires); an
    // unhandled rejection here would only crash the process.
    const safe = task.catch(() => {})
    void load().then((after) => {
      if (!after) return
      try {
        after(safe)
      } catch {
        // outside a request scope: the task already runs on its own
      }
    })
  }
}
