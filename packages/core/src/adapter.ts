// @metered/core/adapter: the kit for writing a store adapter. A driver does only state, SQL or
// Lua; the `*From` builders turn it into the public port, validating every call once.

export { authorizerFrom } from './adapter/authorizer-from.js'
export { ledgerFrom } from './adapter/ledger-from.js'
export { limiterStoreFrom } from './adapter/limiter-store-from.js'
export { normalizeAuthorizeInput } from './adapter/normalize-authorize.js'
export { usageStoreFrom } from './adapter/usage-store-from.js'
export { userStoreFrom } from './adapter/user-store-from.js'
export { driverOf } from './driver-of.js'
export { IdempotencyConflictError, NotFoundError, StoreUnavailableError, ValidationError } from './errors.js'
export type { LedgerDriver } from './ledger/ledger-driver.js'
export { fingerprint } from './ledger/normalize.js'
export type {
  NormalizedDebit,
  NormalizedGrant,
  NormalizedHistory,
  NormalizedReserve,
  NormalizedRevoke,
  NormalizedSettle,
} from './ledger/normalized.js'
export { MAX_BALANCE } from './ledger/types.js'
export type { BucketState, Evaluation, RuleStateData, WindowState } from './limiter/algorithms.js'
export { type ConsumeEvaluation, evaluateConsume } from './limiter/evaluate-consume.js'
export type { LimiterDriver } from './limiter/limiter-driver.js'
export type { AuthorizerDriver, NormalizedAuthorize } from './metering/authorizer-driver.js'
// The schemas and limits sibling packages (and third-party integrations) validate their own
// inputs with, so an id or an instant means the same thing everywhere.
export {
  accountSchema,
  consumeRequestSchema,
  durationSchema,
  instantSchema,
  issueMessage,
  keySchema,
  MAX_CONSUME_ITEMS,
  MAX_ID_LENGTH,
  MAX_NAME_LENGTH,
  parse,
  toEpoch,
} from './schemas.js'
export { decodeKeysetCursor, encodeKeysetCursor, type KeysetPosition } from './usage/keyset-cursor.js'
export { addToTotals, bucketStart, DAY_MS, emptyTotals, HOUR_MS } from './usage/normalize.js'
export type {
  NormalizedUsageEvent,
  NormalizedUsageListQuery,
  NormalizedUsageRecord,
  NormalizedUsageStatsQuery,
} from './usage/normalized.js'
export type { UsageDriver } from './usage/usage-driver.js'
export type {
  NormalizedLogin,
  NormalizedPageOptions,
  NormalizedProfile,
  NormalizedUserListQuery,
} from './users/normalize.js'
export type { UserDriver } from './users/user-driver.js'
