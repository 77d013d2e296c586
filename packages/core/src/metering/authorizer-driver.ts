import type { NormalizedReserve } from '../ledger/normalized.js'
import type { ConsumeItem } from '../limiter/types.js'
import type { AuthorizeStoreResult } from './authorizer-types.js'

/**
 * A validated one-step authorize: the hold (or, with `charge`, the debit) as a normalised
 * reserve with its fingerprint (null without a key), and the limiter items to check and
 * consume with it (valid as a consume request; possibly none).
 */
export interface NormalizedAuthorize {
  reserve: NormalizedReserve
  fingerprint: string | null
  charge: boolean
  items: ConsumeItem[]
}

/** A store that decides limits and balance in one atomic step (see `Authorizer` for the steps). */
export interface AuthorizerDriver {
  /** `Authorizer.authorize` on validated input, with the hold's idempotency fingerprint. */
  authorize(input: NormalizedAuthorize): Promise<AuthorizeStoreResult>
}
