import fc from 'fast-check'

/**
 * Seeds for fast-check, so every property test runs the same cases on every machine and a
 * failure can be replayed. The seed is `FC_SEED` from the environment when set (`FC_SEED=random`
 * picks a fresh one, to explore), else a fixed default. A failure names the seed and how to
 * rerun with it.
 */

/** The seed used when `FC_SEED` is not set. */
export const DEFAULT_SEED = 20_260_101

/** The seed this process runs its properties with (see the module comment). */
export function propertySeed(env: Record<string, string | undefined> = readEnv()): number {
  const raw = env.FC_SEED?.trim()
  if (!raw) return DEFAULT_SEED
  if (raw === 'random') return randomSeed
  const seed = Number(raw)
  if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be an integer or "random", got "${raw}"`)
  return seed
}

// One random seed per process, so every property of a FC_SEED=random run reports the same one.
const randomSeed = Math.floor(Math.random() * 2 ** 31)

function readEnv(): Record<string, string | undefined> {
  return typeof process === 'undefined' ? {} : process.env
}

/** Prefixes the error of a failed property with its seed, keeping the error (and its cause) as it is. */
function withSeed(error: unknown, seed: number): never {
  if (error instanceof Error) {
    error.message = `[fast-check seed ${seed}; rerun with FC_SEED=${seed}] ${error.message}`
    throw error
  }
  throw new Error(`[fast-check seed ${seed}; rerun with FC_SEED=${seed}] ${String(error)}`, { cause: error })
}

/**
 * `fc.assert` with the seed of `propertySeed()` (unless `params` gives one) and the seed in the
 * failure message. Returns a promise for an async property.
 * @example
 * assertProperty(fc.property(fc.integer(), (n) => n + 0 === n), { numRuns: 200 })
 */
export function assertProperty<Ts>(property: fc.IProperty<Ts>, params?: fc.Parameters<Ts>): void
export function assertProperty<Ts>(property: fc.IAsyncProperty<Ts>, params?: fc.Parameters<Ts>): Promise<void>
export function assertProperty<Ts>(
  property: fc.IProperty<Ts> | fc.IAsyncProperty<Ts>,
  params: fc.Parameters<Ts> = {},
): void | Promise<void> {
  const seed = params.seed ?? propertySeed()
  const run = { ...params, seed }
  let result: void | Promise<void>
  try {
    result = property.isAsync()
      ? fc.assert(property as fc.IAsyncProperty<Ts>, run)
      : fc.assert(property as fc.IProperty<Ts>, run)
  } catch (error) {
    withSeed(error, seed)
  }
  return result instanceof Promise ? result.catch((error: unknown) => withSeed(error, seed)) : result
}
