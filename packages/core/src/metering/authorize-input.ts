import { fastConsumeRequest } from '../fast-parse.js'
import { type NormalizedReserve, normalizeReserve } from '../ledger/normalize.js'
import type { ReserveInput } from '../ledger/types.js'
import type { ConsumeItem } from '../limiter/types.js'
import { consumeRequestSchema, parse } from '../schemas.js'
import type { AuthorizeStoreInput } from './authorizer-types.js'

/**
 * Validates a store-level authorize input as a reserve plus a limiter request, so every
 * authorizer refuses the same input with the same `ValidationError` before it reads or writes
 * anything. An absent key or metadata stays absent; an empty string is refused like anywhere else.
 */
export function normalizeAuthorizeInput(input: AuthorizeStoreInput): {
  reserve: NormalizedReserve
  items: ConsumeItem[]
} {
  const reserve: ReserveInput = { account: input.account, amount: input.amount, ttl: input.ttl, reason: input.reason }
  if (input.idempotencyKey !== undefined) reserve.idempotencyKey = input.idempotencyKey
  if (input.metadata !== undefined) reserve.metadata = input.metadata
  const n = normalizeReserve(reserve)
  const items = input.limits.items
  if (items.length === 0) return { reserve: n, items: [] }
  const request = { items }
  return { reserve: n, items: (fastConsumeRequest(request) ?? parse(consumeRequestSchema, request, 'limits')).items }
}
