import { IdempotencyConflictError, ValidationError } from '@metered/core'
import type { Identify } from '../server/identify.js'
import type { MeteredAuthParts, MeteredAuthSource } from './types.js'

/** The request header the development identity reads the user id from. */
export const DEV_IDENTITY_HEADER = 'x-metered-dev-user'

/** Options of `devIdentity`: the metered instance, the signup grant and where errors go. */
export interface DevIdentityOptions {
  /** The app's metered instance: its ledger and credit unit grant `signupCredits`. */
  metered: MeteredAuthSource
  /** Granted once per id (idempotency key `signup:<id>`), as `meteredAuth` does at a first sign-in. @default 0 */
  signupCredits?: number
  /** Told once when METERED_DEV_IDENTITY=1 is set in production, where it is ignored. @default console.error */
  onError?: (error: unknown) => void
  /** Where METERED_DEV_IDENTITY and NODE_ENV are read, at each call. @default process.env */
  env?: Record<string, string | undefined>
}

/**
 * A local-trial identity for apps without sign-in yet: with METERED_DEV_IDENTITY=1 it trusts an
 * `x-metered-dev-user: <id>` header and grants `signupCredits` once per id. Anyone can send that
 * header, so it answers null (nobody signed in) when NODE_ENV is 'production', whatever
 * METERED_DEV_IDENTITY says, and tells `onError` once that the variable is set there.
 * @example
 * createMeteredNext({ metered, identify: devIdentity({ metered, signupCredits: 1000 }) })
 */
export function devIdentity(options: DevIdentityOptions): Identify {
  const parts = partsOf(options.metered)
  const signupUnits =
    options.signupCredits === undefined || options.signupCredits === 0
      ? 0
      : parts.credits.toUnits(options.signupCredits, { exact: true, path: 'signupCredits' })
  if (signupUnits < 0) throw new ValidationError([{ path: 'signupCredits', message: 'must not be negative' }])
  const env = options.env ?? process.env
  let warned = false

  return async (req) => {
    if (env.METERED_DEV_IDENTITY !== '1') return null
    if (env.NODE_ENV === 'production') {
      if (!warned) {
        warned = true
        report(
          options.onError,
          new Error(
            'METERED_DEV_IDENTITY=1 is ignored in production (NODE_ENV=production): anyone could send ' +
              `${DEV_IDENTITY_HEADER}. Remove the variable and identify callers from your sessions.`,
          ),
        )
      }
      return null
    }
    const id = req.headers.get(DEV_IDENTITY_HEADER)?.trim()
    if (!id) return null
    if (signupUnits > 0) {
      try {
        await parts.ledger.grant({ account: id, amount: signupUnits, source: 'signup', idempotencyKey: `signup:${id}` })
      } catch (error) {
        // An id the ledger refuses as an account is nobody; a changed bonus was granted once already.
        if (error instanceof ValidationError) return null
        if (!(error instanceof IdempotencyConflictError)) throw error
      }
    }
    return { id }
  }
}

function partsOf(source: MeteredAuthSource): MeteredAuthParts {
  return 'metered' in source ? source.metered : source
}

function report(onError: ((error: unknown) => void) | undefined, error: Error): void {
  try {
    ;(onError ?? ((e: unknown) => console.error('[metered]', e)))(error)
  } catch {
    // a failing logger must not fail the request
  }
}
