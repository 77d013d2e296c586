import type { RedisScriptClient } from './client.js'

// While Redis Cluster moves a slot, a script whose keys are partly on the old master and partly
// on the new one (or partly not created yet, like a fresh idempotency record) is refused with
// TRYAGAIN until the move completes. The refusal comes before the script runs, as do MOVED and
// ASK, so sending the same call again cannot apply it twice. Clients follow MOVED and ASK
// themselves; node-redis hands TRYAGAIN straight back, and ioredis gives up after its
// redirection limit ("Too many Cluster redirections"), usually long before a move is done.

/** A refusal that proves the script did not run: a slot move in progress. */
function refusedDuringSlotMove(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const m = error.message
  return m.startsWith('TRYAGAIN') || m.startsWith('Too many Cluster redirections')
}

const FIRST_DELAY_MS = 5
const MAX_DELAY_MS = 100

/**
 * Wraps `client` so that a call refused because a slot of its keys is moving is sent again,
 * with a backoff from 5 ms to 100 ms, for at most `timeoutMs` after the first refusal (0: never);
 * then the last refusal is thrown (the stores turn it into a `StoreUnavailableError`). A successful call costs nothing more.
 */
export function retryDuringSlotMove(client: RedisScriptClient, timeoutMs = 5000): RedisScriptClient {
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 0) {
    throw new RangeError('tryAgainTimeoutMs must be a non-negative integer')
  }
  if (timeoutMs === 0) return client
  const retry = async <T>(call: () => Promise<T>, first: unknown): Promise<T> => {
    const deadline = Date.now() + timeoutMs
    let error = first
    let delay = FIRST_DELAY_MS
    while (refusedDuringSlotMove(error) && Date.now() + delay <= deadline) {
      await new Promise((resolve) => setTimeout(resolve, delay))
      delay = Math.min(delay * 2, MAX_DELAY_MS)
      try {
        return await call()
      } catch (next) {
        error = next
      }
    }
    throw error
  }
  return {
    evalsha: (sha1, keys, args) =>
      client.evalsha(sha1, keys, args).catch((error) => retry(() => client.evalsha(sha1, keys, args), error)),
    eval: (script, keys, args) =>
      client.eval(script, keys, args).catch((error) => retry(() => client.eval(script, keys, args), error)),
  }
}
