import { StoreUnavailableError } from '@metered/core'
import type { RedisScriptClient } from './client.js'
import { sha1Hex } from './sha1.js'

/** A Lua script and its SHA1, computed once per process. */
export interface Script {
  readonly name: string
  readonly source: string
  sha(): Promise<string>
}

export function defineScript(name: string, source: string): Script {
  let sha: Promise<string> | undefined
  return {
    name,
    source,
    sha: () => {
      sha ??= sha1Hex(source)
      return sha
    },
  }
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.includes('NOSCRIPT')
}

/**
 * Runs `script` in one round trip: EVALSHA, and only when the server does not know the script
 * yet (first call after a restart or `SCRIPT FLUSH`), EVAL, which caches it for every later call.
 * Any client failure becomes a `StoreUnavailableError` (the cause is kept): the limiter's
 * `onStoreError` policy and the callers' retries key off that one type.
 */
export async function runScript(
  client: RedisScriptClient,
  script: Script,
  keys: string[],
  args: string[],
): Promise<unknown> {
  try {
    const sha = await script.sha()
    try {
      return await client.evalsha(sha, keys, args)
    } catch (error) {
      if (!isNoScript(error)) throw error
      return await client.eval(script.source, keys, args)
    }
  } catch (error) {
    if (error instanceof StoreUnavailableError) throw error
    const message = error instanceof Error ? error.message : String(error)
    throw new StoreUnavailableError(`Redis ${script.name} failed: ${message}`, { cause: error })
  }
}
