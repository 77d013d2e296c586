import { fingerprint, normalizeReserve } from '../ledger/normalize.js'
import type { ReserveInput } from '../ledger/types.js'
import type { NormalizedAuthorize } from '../metering/authorizer-driver.js'
import type { AuthorizeStoreInput } from '../metering/authorizer-types.js'
import { consumeRequestSchema, parse } from '../schemas.js'

/**
 * Validates a store-level authorize input as a reserve plus a limiter request, so every
 * authorizer refuses the same input with the same `ValidationError` before it reads or writes
 * anything. An absent key or metadata stays absent; an empty string is refused like anywhere else.
 */
export function normalizeAuthorizeInput(input: AuthorizeStoreInput): NormalizedAuthorize {
  const reserve: ReserveInput = { account: input.account, amount: input.amount, ttl: input.ttl, reason: input.reason }
  if (input.idempotencyKey !== undefined) reserve.idempotencyKey = input.idempotencyKey
  if (input.metadata !== undefined) reserve.metadata = input.metadata
  const n = normalizeReserve(reserve)
  const items = input.limits.items
  return {
    reserve: n,
    fingerprint: n.idempotencyKey === null ? null : fingerprint('reserve', n),
    charge: input.charge === true,
    items: items.length === 0 ? [] : parse(consumeRequestSchema, { items }, 'limits').items,
  }
}
