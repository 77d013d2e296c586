import { StoreUnavailableError } from '@metered/core'
import type { RedisScriptClient } from './client.js'
import { sha1Hex } from './sha1.js'

/** A Lua script and its SHA1, computed once per process. */
export interface Script {
  readonly name: string
  readonly source: string
  /** The SHA1 once known (after the first `sha()`), so later calls skip an await. */
  readonly knownSha: string | undefined
  sha(): Promise<string>
}

export function defineScript(name: string, source: string): Script {
  let pending: Promise<string> | undefined
  const script: { -readonly [K in keyof Script]: Script[K] } = {
    name,
    source,
    knownSha: undefined,
    sha: () => {
      pending ??= sha1Hex(source).then((hex) => {
        script.knownSha = hex
        return hex
      })
      return pending
    },
  }
  return script
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.includes('NOSCRIPT')
}

/**
 * Runs `script` in one round trip: EVALSHA, and only when the server does not know the script
 * yet (first call after a restart or `SCRIPT FLUSH`), EVAL, which caches it for every later call.
 * The reply goes through `decode` (errors it throws pass as they are). Any client failure
 * becomes a `StoreUnavailableError` (the cause is kept): the limiter's `onStoreError` policy
 * and the callers' retries key off that one type. One `then` on the client's promise rather
 * than awaits: every limited call goes through here.
 */
export function runScript<T = unknown>(
  client: RedisScriptClient,
  script: Script,
  keys: string[],
  args: string[],
  decode: (reply: unknown) => T = asIs as (reply: unknown) => T,
): Promise<T> {
  const sha = script.knownSha
  if (sha === undefined)
    return script.sha().then(() => runScript(client, script, keys, args, decode), unavailable(script))
  let call: Promise<unknown>
  try {
    call = client.evalsha(sha, keys, args)
  } catch (error) {
    call = Promise.reject(error)
  }
  return call.then(decode, (error: unknown) => {
    if (!isNoScript(error)) return unavailable(script)(error)
    return attempt(() => client.eval(script.source, keys, args)).then(decode, unavailable(script))
  })
}

const asIs = (reply: unknown): unknown => reply

/** The client's promise, or a rejection for a synchronous throw. */
function attempt(call: () => Promise<unknown>): Promise<unknown> {
  try {
    return call()
  } catch (error) {
    return Promise.reject(error)
  }
}

function unavailable(script: Script): (error: unknown) => never {
  return (error) => {
    if (error instanceof StoreUnavailableError) throw error
    const message = error instanceof Error ? error.message : String(error)
    throw new StoreUnavailableError(`Redis ${script.name} failed: ${message}`, { cause: error })
  }
}
